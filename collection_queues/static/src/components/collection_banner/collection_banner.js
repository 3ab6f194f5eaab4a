/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {Component} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";

/**
 * The red banner of a customer in collections: status, queue, collector, open
 * promise to pay and invoices in dispute, on every form of a record belonging to the customer (partner,
 * invoice, sales order).
 */
export class CollectionBanner extends Component {
    static template = "collection_queues.CollectionBanner";
    static props = {...standardWidgetProps};

    get banner() {
        const data = this.props.record.data;
        return {
            status: data.collection_status_id && data.collection_status_id[1],
            queue: data.collection_queue_name,
            collector: data.collection_collector_id && data.collection_collector_id[1],
            promise: data.collection_promise_summary,
            disputes: data.collection_dispute_summary,
            // The status's severity: Bootstrap's alert colours.
            severity: ["danger", "warning", "info"].includes(
                data.collection_banner_severity
            )
                ? data.collection_banner_severity
                : "danger",
        };
    }
}

export const collectionBanner = {
    component: CollectionBanner,
    fieldDependencies: [
        {name: "in_collections", type: "boolean"},
        {name: "collection_status_id", type: "many2one", relation: "collection.status"},
        {name: "collection_queue_name", type: "char"},
        {name: "collection_collector_id", type: "many2one", relation: "res.users"},
        {name: "collection_promise_summary", type: "char"},
        {name: "collection_dispute_summary", type: "char"},
        {name: "collection_banner_severity", type: "char"},
    ],
};

registry.category("view_widgets").add("collection_banner", collectionBanner);
