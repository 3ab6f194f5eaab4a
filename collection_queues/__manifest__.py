# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Collection Queues",
    "summary": "Rule-based collection queues for overdue customers, "
    "with collection history, statuses, letters, promises to pay and KPIs",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "collection_queues maintainers",
    "depends": ["account", "mail"],
    "data": [
        "security/collection_security.xml",
        "security/ir.model.access.csv",
        "data/collection_activity_type_data.xml",
        "data/collection_status_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "report/collection_letter_report.xml",
        "wizard/collection_wizard_views.xml",
        "wizard/collection_refresh_wizard_views.xml",
        "wizard/collection_letter_wizard_views.xml",
        "views/collection_status_views.xml",
        "views/collection_activity_type_views.xml",
        "views/collection_profile_views.xml",
        "views/collection_queue_views.xml",
        "views/collection_promise_views.xml",
        "views/collection_kpi_views.xml",
        "views/collection_activity_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/collection_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "collection_queues/static/src/components/**/*",
        ],
        "web.assets_tests": [
            "collection_queues/static/tests/tours/*",
        ],
    },
    "demo": [
        "demo/collection_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": True,
}
