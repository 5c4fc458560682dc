-- Live sources (1C OData, OFD APIs): each configured instance has one row of state. The watermark
-- is written only in the transaction that stores the rows it covers, so it never runs ahead of
-- the store. (V3 because V2 is taken by a parallel line of work.)
create table source_state (
    source_id            text primary key,   -- the instance id under hub.sources.<id>
    kind                 text not null,      -- onec-odata, kontur-ofd, ...
    watermark            text,               -- the source's own form (1C: local document time)
    watermark_at         timestamptz,        -- the same moment, for people and sorting
    last_poll_at         timestamptz,
    last_success_at      timestamptz,
    last_run_id          bigint,             -- import_run of the latest poll (history, no foreign key)
    rows_last_run        bigint,
    consecutive_failures integer not null default 0,
    last_error           text,
    state                text not null default 'ok' check (state in ('ok', 'failing', 'disabled')),
    updated_at           timestamptz not null default now()
);

-- Responses a poll could not use, kept as received so an admin (or a developer) can see what the
-- source actually sent. Never holds request headers, so no credentials.
create table source_raw_response (
    id          bigserial primary key,
    source_id   text not null,
    run_id      bigint,
    entity      text,
    page        integer,
    url         text,
    http_status integer,
    reason      text not null,
    body        text,
    received_at timestamptz not null default now()
);
create index source_raw_response_source_idx on source_raw_response (source_id, id desc);
