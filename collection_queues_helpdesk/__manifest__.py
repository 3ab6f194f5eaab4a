# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Collection Queues - Helpdesk",
    "summary": "The collections banner of the customer on OCA Helpdesk tickets",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "collection_queues maintainers",
    "depends": ["collection_queues", "helpdesk_mgmt"],
    "data": [
        "views/helpdesk_ticket_views.xml",
    ],
    "demo": [
        "demo/helpdesk_ticket_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "collection_queues_helpdesk/static/tests/tours/*",
        ],
    },
    "installable": True,
    "auto_install": True,
}
