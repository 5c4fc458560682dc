-- Channels: where a client can be reached and whether they agreed to marketing there. Russian
-- advertising law wants prior consent that can be proven, so consent is a history (one row per
-- change, never updated) and the current state is its latest row.

create table client_address (
    id         bigserial primary key,
    client_id  bigint not null references client (id) on delete cascade,
    channel    text not null check (channel in ('EMAIL', 'TELEGRAM', 'SMS', 'PUSH')),
    address    text not null,          -- e-mail lower-case, phone E.164, chat id, push token
    verified   boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (client_id, channel, address)
);
create index client_address_channel_idx on client_address (channel, address);

create table consent (
    id          bigserial primary key,
    client_id   bigint not null references client (id) on delete cascade,
    channel     text not null check (channel in ('EMAIL', 'TELEGRAM', 'SMS', 'PUSH')),
    state       text not null check (state in ('given', 'withdrawn')),
    at          timestamptz not null,      -- when the client gave or withdrew it
    source      text not null,             -- where: api, import, unsubscribe-link, telegram-stop, ...
    proof       text,                      -- what shows it: form id, IP and user agent, message id
    recorded_at timestamptz not null default now()
);
-- the current state of a client on a channel is the row with the highest id
create index consent_client_channel_idx on consent (client_id, channel, id desc);
