/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {download} from "@web/core/network/download";
import {registry} from "@web/core/registry";

const {DateTime} = luxon;

/** Pick ``name`` in the many2one field ``field`` of the open dialog. */
function pickInDialog(field, name) {
    return [
        {
            trigger: `.modal .o_field_widget[name=${field}] input`,
            run: `edit ${name}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item a:contains(${name})`,
            run: "click",
        },
    ];
}

/** From the overview, the tour's queue, then its customer's entry. */
function openTourEntry() {
    return [
        {
            trigger: ".o_kanban_record:contains(Tour Queue)",
            run: "click",
        },
        {
            trigger: ".o_data_row td:contains(Tour Customer)",
            run: "click",
        },
    ];
}

// A collector: the overview, their queue, an entry; a call logged with a
// follow-up date and a new status; the customer's banner shows the new status.
registry.category("web_tour.tours").add("collection_queues_collector_tour", {
    url: "/odoo/action-collection_queues.action_collection_overview",
    steps: () => [
        ...openTourEntry(),
        {
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Log Event)",
            run: "click",
        },
        ...pickInDialog("activity_type_id", "Tour Call"),
        ...pickInDialog("status_id", "Tour Promised"),
        {
            trigger: ".modal .o_field_widget[name=followup_date] input",
            run: `edit ${DateTime.now().plus({days: 7}).toFormat("MM/dd/yyyy")}`,
        },
        {
            trigger: ".modal:contains(Tour Call is logged)",
        },
        {
            trigger: ".modal .modal-footer button:contains(Apply)",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=status_id]:contains(Tour Promised)",
        },
        {
            trigger: ".o_form_view .oe_title .o_field_widget[name=partner_id] a",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_collection_banner:contains(Tour Promised)",
        },
    ],
});

// A collector records a customer's promise to pay from the entry; the entry and
// the customer's banner show it.
registry.category("web_tour.tours").add("collection_queues_promise_tour", {
    url: "/odoo/action-collection_queues.action_collection_overview",
    steps: () => [
        ...openTourEntry(),
        {
            trigger:
                ".o_form_view .o_statusbar_buttons button:contains(Record Promise)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=amount] input",
            run: "edit 250",
        },
        {
            trigger: ".modal .o_field_widget[name=date] input",
            run: `edit ${DateTime.now().plus({days: 5}).toFormat("MM/dd/yyyy")}`,
        },
        {
            // Leaving the date field commits it.
            trigger: ".modal .modal-title",
            run: "click",
        },
        {
            trigger: ".modal:contains(Tour Customer promises)",
        },
        {
            trigger: ".modal .modal-footer button:contains(Record)",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=promise_state]:contains(Open)",
        },
        {
            trigger: ".o_form_view .oe_title .o_field_widget[name=partner_id] a",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_collection_banner:contains(Promised):contains(250.00)",
        },
    ],
});

// A manager previews a refresh (what would change and why) and applies it.
registry.category("web_tour.tours").add("collection_queues_refresh_tour", {
    url: "/odoo/action-collection_queues.action_collection_overview",
    steps: () => [
        {
            trigger: ".o_control_panel button:contains(Refresh Queues)",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:contains(Tour Late Customer):contains(Added)",
        },
        {
            trigger: ".modal:contains(1 added)",
        },
        {
            trigger: ".modal .modal-footer button:contains(Refresh Now)",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(1 added)",
        },
    ],
});

// A manager changes the status of three selected entries at once.
registry.category("web_tour.tours").add("collection_queues_bulk_status_tour", {
    url: "/odoo/action-collection_queues.action_collection_overview",
    steps: () => [
        {
            trigger: ".o_kanban_record:contains(Tour Bulk Queue)",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Bulk Customer 3)",
        },
        {
            trigger: "thead .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_control_panel .o_cp_action_menus button:contains(Actions)",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains(Change Status)",
            run: "click",
        },
        ...pickInDialog("status_id", "Tour Promised"),
        {
            trigger: ".modal:contains(The status of 3 customers becomes Tour Promised)",
        },
        {
            trigger: ".modal .modal-footer button:contains(Apply)",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_list_view:not(:has(.o_data_row:not(:contains(Tour Promised))))",
        },
    ],
});

// A collector prints the letter of a customer from the entry: the download the
// web client makes holds the customer's letter, and the dialog closes.
registry.category("web_tour.tours").add("collection_queues_print_letter_tour", {
    url: "/odoo/action-collection_queues.action_collection_overview",
    steps: () => [
        ...openTourEntry(),
        {
            trigger:
                ".o_form_view .o_statusbar_buttons button:contains(Print / Send Letter)",
            run() {
                // What would be saved as a file is shown in the page instead,
                // fetched exactly as the browser downloads it.
                download._download = async ({url, data}) => {
                    const body = new FormData();
                    for (const [key, value] of Object.entries(data)) {
                        body.append(key, value);
                    }
                    body.append("csrf_token", odoo.csrf_token);
                    const response = await fetch(url, {method: "POST", body});
                    const shown = document.createElement("div");
                    shown.className = "o_tour_downloaded_letter";
                    shown.textContent = await response.text();
                    document.body.append(shown);
                };
                this.anchor.click();
            },
        },
        {
            trigger: ".modal:contains(A PDF of the letter)",
        },
        {
            trigger: ".modal .modal-footer button:contains(Print)",
            run: "click",
        },
        {
            trigger:
                ".o_tour_downloaded_letter:contains(Tour Customer):contains(1,234.56)",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

// A collector opens a customer whose queue she may not open: the banner and a
// line saying why the entry is not shown, and no action button to fail.
registry.category("web_tour.tours").add("collection_queues_restricted_customer_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_collection_banner:contains(Tour Secret Queue)",
        },
        {
            trigger: ".o_form_view .o_notebook a:contains(Collections)",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .alert-info:contains(a queue you are not allowed on)",
        },
        {
            trigger:
                ".o_form_view .o_notebook:not(:has([name=collection_actions] button))",
        },
    ],
});

// A collector on an entry of a sequenced queue: Remove is not offered; moved to another queue, she lands on the new
// entry.
registry.category("web_tour.tours").add("collection_queues_sequenced_entry_tour", {
    steps: () => [
        {
            trigger:
                ".o_form_view .o_statusbar_buttons:contains(Move to Queue):not(:contains(Remove from Queue))",
        },
        {
            trigger:
                ".o_control_panel:not(:has(.o_cp_action_menus:contains(Remove from Queue)))",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Move to Queue)",
            run: "click",
        },
        ...pickInDialog("profile_id", "Tour Watch"),
        {
            trigger: ".modal:contains(will move to Tour Watch)",
        },
        {
            trigger: ".modal .modal-footer button:contains(Apply)",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_form_view .oe_title .o_field_widget[name=profile_id]:contains(Tour Watch)",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons:contains(Remove from Queue)",
        },
    ],
});

// A manager adds an e-mail step on day 0 to a queue, finds it among today's
// automatic steps for the queue's customer, runs them, and the customer's
// history shows the step and the letter e-mailed.
registry.category("web_tour.tours").add("collection_queues_steps_tour", {
    url: "/odoo/action-collection_queues.action_collection_overview",
    steps: () => [
        {
            trigger: ".o_menu_sections button:contains(Configuration)",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains(Collection Profiles)",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td:contains(Tour Queue)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook a:contains(Steps)",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=step_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=step_ids] .o_selected_row .o_field_widget[name=day] input",
            run: "edit 0",
        },
        {
            trigger:
                ".o_field_widget[name=step_ids] .o_selected_row .o_field_widget[name=name] input",
            run: "edit Tour reminder",
        },
        {
            trigger:
                ".o_field_widget[name=step_ids] .o_selected_row .o_field_widget[name=action] select",
            run: "selectByLabel E-mail the Letter",
        },
        {
            // The step's letter is the queue's until another is chosen.
            trigger:
                ".o_field_widget[name=step_ids] .o_selected_row .o_field_widget[name=template_id] input:value(Collection: Friendly Reminder)",
        },
        {
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_form_saved .o_field_widget[name=step_ids] .o_data_row:contains(Tour reminder):contains(E-mail the Letter)",
        },
        {
            trigger: ".o_menu_sections button:contains(Automatic Steps)",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains(Steps)",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=line_ids] .o_data_row:contains(Tour Customer):contains(Tour reminder):contains(Runs)",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Run Now)",
            run: "click",
        },
        {
            trigger: ".modal:contains(E-mails are queued)",
        },
        {
            trigger: ".modal .modal-footer button:contains(Ok)",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(Automatic steps run)",
        },
        {
            // Today's steps again: the customer's step ran and is no longer due.
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=line_ids]:not(:has(.o_data_row:contains(Tour Customer)))",
        },
        {
            trigger: ".o_menu_sections a:contains(Overview)",
            run: "click",
        },
        ...openTourEntry(),
        {
            trigger:
                ".o_form_view .o_field_widget[name=collection_activity_ids] .o_data_row:contains(Tour reminder)",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=collection_activity_ids] .o_data_row:contains(e-mailed)",
        },
    ],
});

// A collector opens a dispute from the invoice form: the invoice is picked
// already, with all of its amount due; the badge and the customer's banner
// show the dispute.
registry.category("web_tour.tours").add("collection_queues_invoice_dispute_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_collection_banner:contains(Tour 31+ days)",
        },
        {
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_collection_dispute]",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=partner_id]:contains(Tour Disputing Customer)",
        },
        {
            trigger:
                ".modal .o_field_widget[name=move_ids] .o_data_row:contains(500.00)",
        },
        {
            trigger: ".modal .o_field_widget[name=amount] input:value(500.00)",
        },
        ...pickInDialog("reason_id", "Not received"),
        {
            trigger:
                ".modal:contains(will not be requested until the dispute is closed)",
        },
        {
            trigger: ".modal .modal-footer button:contains(Open Dispute)",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=collection_dispute_label]:contains(Disputed: Not received)",
        },
        {
            // Disputed once: Close Dispute is offered in place of Dispute.
            trigger:
                ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_collection_dispute])):has(button[name=action_collection_close_dispute])",
        },
        {
            trigger: ".o_form_view .o_collection_banner:contains(1 invoice in dispute)",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=partner_id] a:contains(Tour Disputing Customer)",
            run: "click",
        },
        {
            // A collector may not edit customers: the form opens read-only.
            trigger: ".o_breadcrumb .active:contains(Tour Disputing Customer)",
        },
        {
            trigger:
                ".o_form_view:has(.oe_title:contains(Tour Disputing Customer)) .o_collection_banner:contains(1 invoice in dispute)",
        },
    ],
});
