# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Collection Queues - Field Service",
    "summary": "The collections banner of the customer on OCA Field Service orders",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "collection_queues maintainers",
    "depends": ["collection_queues", "fieldservice"],
    "data": [
        "views/fsm_order_views.xml",
    ],
    "demo": [
        "demo/fsm_order_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "collection_queues_fieldservice/static/tests/tours/*",
        ],
    },
    "installable": True,
    "auto_install": True,
}
