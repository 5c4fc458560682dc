-- Segments: a strategy (from a plugin) with its parameters, the current membership (one cell per
-- client) and the history of who entered, moved between and left cells, refresh by refresh.

create table segment (
    id           bigserial primary key,
    name         text not null,
    strategy     text not null,                    -- SegmentationStrategy.id() offered by a plugin
    parameters   jsonb not null default '{}'::jsonb, -- validated values, defaults filled in
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    refreshed_at timestamptz                       -- last successful refresh
);

-- Every refresh leaves a record whose counts add up: members = entered + moved + unchanged. A
-- failed refresh changes no membership and keeps its message.
create table segment_refresh (
    id          bigserial primary key,
    segment_id  bigint not null references segment (id) on delete cascade,
    status      text not null check (status in ('running', 'succeeded', 'failed')),
    message     text,
    as_of       timestamptz not null,
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    clients     bigint not null default 0,  -- clients in the store the strategy read
    members     bigint not null default 0,  -- members after the refresh
    entered     bigint not null default 0,  -- were not members, now are
    moved       bigint not null default 0,  -- changed cell
    exited      bigint not null default 0,  -- were members, now are not
    unchanged   bigint not null default 0
);
create index segment_refresh_segment_idx on segment_refresh (segment_id, started_at desc);

create table segment_member (
    segment_id  bigint not null references segment (id) on delete cascade,
    client_id   bigint not null references client (id) on delete cascade,
    cell        text not null,
    since       timestamptz not null,        -- when the client entered this cell
    primary key (segment_id, client_id)
);
create index segment_member_cell_idx on segment_member (segment_id, cell, client_id);

-- One row per client whose cell changed in a refresh; from_cell null = entered the segment,
-- to_cell null = left it. No foreign key to client: history outlives a client merged away.
create table segment_movement (
    id          bigserial primary key,
    segment_id  bigint not null references segment (id) on delete cascade,
    refresh_id  bigint not null references segment_refresh (id) on delete cascade,
    client_id   bigint not null,
    from_cell   text,
    to_cell     text,
    moved_at    timestamptz not null
);
create index segment_movement_segment_idx on segment_movement (segment_id, moved_at, id);
create index segment_movement_client_idx on segment_movement (client_id, moved_at);
