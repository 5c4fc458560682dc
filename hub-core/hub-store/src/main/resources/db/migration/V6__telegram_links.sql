-- Linking a Telegram chat to a client: the hub hands the client a deep link
-- https://t.me/<bot>?start=<token>; the bot receives "/start <token>" from the client's chat.
-- A token is single-use, tied to one client and expires. The table never holds a token itself:
-- token_hash (SHA-256) finds it when it comes back, and the token is HMAC(hub key, nonce), so the
-- hub can hand out the same unused link again while a copy of the store alone cannot.

create table telegram_start_token (
    id          bigserial primary key,
    client_id   bigint not null references client (id) on delete cascade,
    token_hash  text not null unique,       -- hex SHA-256 of the token
    nonce       text not null,              -- the token is derived from it with the hub's key
    issued_at   timestamptz not null default now(),
    expires_at  timestamptz not null,
    used_at     timestamptz,                -- set once; a used token links nothing again
    used_chat   text,                       -- the chat it linked
    used_update bigint                      -- the Bot API update_id that carried it
);
-- reuse of a client's unused token
create index telegram_start_token_client_idx on telegram_start_token (client_id, expires_at) where used_at is null;

-- How far the hub has read the commands clients send on a channel (Telegram: the last update_id
-- stored), per connector. Advanced in the transaction that applies those commands, so a restart
-- neither loses nor repeats one.
create table channel_intake (
    connector_id  text primary key,
    last_position bigint not null,
    updated_at    timestamptz not null default now()
);
