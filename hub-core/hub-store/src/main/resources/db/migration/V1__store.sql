-- The canonical store: clients merged across sources, their receipts, the statistics that
-- segments are computed from, and the record of every import with what it rejected.

create table client (
    id          bigserial primary key,
    name        text,
    phone       text,          -- primary phone, E.164
    email       text,          -- primary e-mail, lower-case
    birthday    date,
    city        text,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

-- How a client is recognised: by phone, by e-mail, or by a key in one source (a 1C counterparty,
-- a loyalty card). Each value points to exactly one client, so two files naming the same person
-- meet in one row here.
create table client_identity (
    id          bigserial primary key,
    client_id   bigint not null references client (id) on delete cascade,
    kind        text not null check (kind in ('phone', 'email', 'source_key')),
    value       text not null,     -- E.164 phone, lower-case e-mail, or "<source>:<key>"
    source      text not null,     -- where the hub first saw it
    first_seen_at timestamptz not null default now(),
    constraint client_identity_value_uq unique (kind, value)
);
create index client_identity_client_idx on client_identity (client_id);

create table import_run (
    id          bigserial primary key,
    source      text not null,     -- "file", "inbox", "demo", or a live source instance id
    file        text,
    format      text,
    mapping     text,
    status      text not null check (status in ('running', 'succeeded', 'failed', 'interrupted')),
    message     text,
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    bytes_total bigint,
    bytes_read  bigint not null default 0,
    rows_read   bigint not null default 0,
    inserted    bigint not null default 0,
    updated     bigint not null default 0,
    unchanged   bigint not null default 0,
    rejected    bigint not null default 0
);
create index import_run_started_idx on import_run (started_at desc);

create table rejected_row (
    id          bigserial primary key,
    run_id      bigint not null references import_run (id) on delete cascade,
    line        bigint not null,   -- physical line of the file (header = 1) or record number
    raw         text,
    reason      text not null
);
create index rejected_row_run_idx on rejected_row (run_id, line);

create table receipt (
    id            bigserial primary key,
    source        text not null,   -- key namespace: "fiscal" or a mapping / source instance
    natural_key   text not null,
    client_id     bigint references client (id),   -- null: anonymous buyer
    purchased_at  timestamptz not null,
    total         numeric(14, 2) not null,         -- what the client paid, rubles
    discount      numeric(14, 2) not null default 0,
    payment       text,
    point_of_sale text,
    is_refund     boolean not null default false,
    content_hash  text not null,
    import_run_id bigint,          -- the run that last wrote it (no foreign key: runs are history, not owners)
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint receipt_natural_key_uq unique (source, natural_key)
);
create index receipt_client_idx on receipt (client_id, purchased_at);
create index receipt_purchased_idx on receipt (purchased_at);

-- Lines are written only by the ingest writer, in the same transaction as their receipt, and
-- removed with it. They carry no foreign key: checking one per line cost a third of the import time.
create table receipt_line (
    receipt_id  bigint not null,
    line_no     integer not null,
    item        text,
    category    text,
    quantity    numeric(14, 3),
    price       numeric(14, 2),
    amount      numeric(14, 2),
    primary key (receipt_id, line_no)
);

-- Kept current by ingest for every client a batch touches. A refund reduces revenue and is not a
-- purchase.
create table client_stats (
    client_id         bigint primary key references client (id) on delete cascade,
    first_purchase_at timestamptz,
    last_purchase_at  timestamptz,
    purchases         integer not null default 0,
    refunds           integer not null default 0,
    revenue           numeric(16, 2) not null default 0,
    average_check     numeric(14, 2),
    updated_at        timestamptz not null default now()
);

-- Users of the API and console; roles are admin, marketer, analyst.
create table hub_user (
    id            bigserial primary key,
    username      text not null unique,
    password_hash text not null,
    role          text not null check (role in ('admin', 'marketer', 'analyst')),
    enabled       boolean not null default true,
    created_at    timestamptz not null default now()
);

-- Bearer tokens for scripts; only a hash of the token is stored.
create table api_token (
    id           bigserial primary key,
    user_id      bigint not null references hub_user (id) on delete cascade,
    name         text not null,
    token_hash   text not null unique,
    created_at   timestamptz not null default now(),
    last_used_at timestamptz
);
