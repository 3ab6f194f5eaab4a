from . import (
    account_move,
    account_partial_reconcile,
    collection_activity,
    collection_activity_type,
    collection_profile,
    collection_queue,
    collection_refresh_request,
    collection_sequencer,
    collection_status,
    res_company,
    res_config_settings,
    res_partner,
)
