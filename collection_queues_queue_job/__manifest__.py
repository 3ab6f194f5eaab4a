# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Collection Queues - Job Queue",
    "summary": "The daily refresh, refreshes after payments and big letter runs "
    "as OCA job queue jobs, across Odoo workers and nodes",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "collection_queues maintainers",
    "depends": ["collection_queues", "queue_job"],
    "data": [
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
    ],
    "installable": True,
    "auto_install": True,
}
