# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Collection Queues - Repairs",
    "summary": "The collections banner of the customer on repair orders",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "collection_queues maintainers",
    "depends": ["collection_queues", "repair"],
    "data": [
        "views/repair_order_views.xml",
    ],
    "demo": [
        "demo/repair_order_demo.xml",
    ],
    "installable": True,
    "auto_install": True,
}
