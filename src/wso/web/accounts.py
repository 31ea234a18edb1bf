"""Where the console's accounts used to live: kept as a name for code written against it; the accounts are the
room `wso.accounts` now (import from there)."""

from wso.accounts import (
    ROLES,
    WRITE_ROLES,
    AccountError,
    ActionView,
    Principal,
    authenticate,
    create_token,
    create_user,
    dummy_hash,
    list_users,
    principal_for_token,
    principal_for_user_id,
    recent_actions,
    record_action,
    revoke_tokens,
)

__all__ = [
    "ROLES",
    "WRITE_ROLES",
    "AccountError",
    "ActionView",
    "Principal",
    "authenticate",
    "create_token",
    "create_user",
    "dummy_hash",
    "list_users",
    "principal_for_token",
    "principal_for_user_id",
    "recent_actions",
    "record_action",
    "revoke_tokens",
]
