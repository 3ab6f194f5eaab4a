/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

// A salesperson opens a customer in collections and one of its sales orders: the
// banner on both, and nothing else of collections.
registry.category("web_tour.tours").add("collection_queues_salesperson_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_collection_banner:contains(Tour Promised)",
        },
        {
            trigger: ".o_form_view .o_notebook:not(:has(a:contains(Collections)))",
        },
        {
            trigger: ".o_form_view .o_collection_banner:contains(Tour Queue)",
        },
        {
            trigger: "body:not(:has(button[name=action_open_collection_history]))",
        },
        {
            trigger: ".o_form_view .oe_stat_button[name=action_view_sale_order]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Tour Customer) td[name=name]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=order_line]",
        },
        {
            trigger: ".o_form_view .o_collection_banner:contains(Tour Promised)",
        },
    ],
});

// A salesperson starts a quotation: the banner shows as soon as a customer in
// collections is chosen, before the quotation is saved.
registry.category("web_tour.tours").add("collection_queues_new_quotation_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: "edit Tour Customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Tour Customer)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_collection_banner:contains(Tour Promised):contains(Tour Queue)",
        },
        {
            // Still a new record: nothing was saved to show it.
            trigger: ".o_breadcrumb .active:contains(New)",
        },
        {
            trigger: ".o_form_view .o_form_button_cancel",
            run: "click",
        },
        {
            trigger: ".o_list_view, .o_kanban_view",
        },
    ],
});
