/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// A helpdesk agent starts a ticket from the Helpdesk app: the banner shows as soon
// as a customer in collections is chosen, before the ticket is saved; the agent
// then discards it.
registry.category("web_tour.tours").add("collection_queues_new_ticket_tour", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger:
                ".o_app[data-menu-xmlid='helpdesk_mgmt.helpdesk_ticket_main_menu']",
            run: "click",
        },
        {
            trigger:
                ".o_menu_sections [data-menu-xmlid='helpdesk_mgmt.helpdesk_ticket_menu']",
            run: "click",
        },
        {
            trigger:
                ".dropdown-item[data-menu-xmlid='helpdesk_mgmt.helpdesk_all_ticket_menu']",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: "edit Tour Customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Tour Customer)",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_collection_banner:contains(In collections):contains(Tour Promised):contains(Tour Queue)",
        },
        {
            // Still unsaved: the form offers to save or discard the new ticket.
            trigger:
                ".o_form_status_indicator_buttons:not(.invisible) .o_form_button_save",
        },
        {
            trigger: ".o_form_status_indicator_buttons .o_form_button_cancel",
            run: "click",
        },
        {
            trigger: ".o_list_view",
        },
    ],
});
