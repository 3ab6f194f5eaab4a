/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// A dispatcher opens Field Service and starts an order: the banner shows as soon
// as the site of a customer in collections is chosen, before the order is saved.
registry.category("web_tour.tours").add("collection_queues_new_fsm_order_tour", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='fieldservice.root']",
            run: "click",
        },
        {
            trigger: ".o_menu_sections [data-menu-xmlid='fieldservice.operations']",
            run: "click",
        },
        {
            trigger:
                ".o-dropdown--menu [data-menu-xmlid='fieldservice.menu_fsm_operation_order']",
            run: "click",
        },
        {
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=location_id] input",
            run: "edit Tour Site",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Tour Site)",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_collection_banner:contains(In collections):contains(Tour Promised):contains(Tour Queue)",
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
            trigger: ".o_list_view",
        },
    ],
});
