-- Campaigns: what a marketer set up once (definition, schedule), each firing of it (a run with its
-- audience frozen) and one delivery row per run and client, which is at the same time the frozen
-- audience record and the durable send queue.

-- IANA zone of the client for quiet hours; null = the business zone (hub.timezone).
alter table client add column time_zone text;

create table campaign (
    id            bigserial primary key,
    name          text not null unique,
    state         text not null default 'draft'
                  check (state in ('draft', 'active', 'paused', 'stopped')),
    definition    jsonb not null,          -- audience, channel order with templates, schedule, policy
    schedule_kind text not null check (schedule_kind in ('manual', 'once', 'cron', 'trigger')),
    next_fire_at  timestamptz,             -- the scheduler's next slot; null = nothing scheduled
    created_by    text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create index campaign_due_idx on campaign (next_fire_at) where state = 'active';

-- A firing. The slot is the scheduled moment it stands for (for a manual run: when it was asked),
-- unique per campaign, so two hubs on one database that both see a slot due make one run.
create table campaign_run (
    id           bigserial primary key,
    campaign_id  bigint not null references campaign (id) on delete cascade,
    slot         timestamptz not null,
    dry_run      boolean not null default false,
    state        text not null
                 check (state in ('planning', 'dispatching', 'paused', 'stopped', 'finished', 'failed')),
    message      text,
    definition   jsonb not null,           -- the campaign's definition as it was when the run fired
    created_at   timestamptz not null default now(),
    planned_at   timestamptz,              -- audience frozen
    finished_at  timestamptz,
    audience     integer not null default 0,   -- clients matching the audience
    targeted     integer not null default 0,   -- queued for sending
    held_out     integer not null default 0,   -- control group
    capped       integer not null default 0,   -- frequency cap
    no_consent   integer not null default 0,   -- no channel with consent and address
    deferred     integer not null default 0,   -- queued, but after quiet hours
    unique (campaign_id, slot)
);
create index campaign_run_state_idx on campaign_run (state) where state in ('planning', 'dispatching', 'paused');

-- Dispatcher workers. A claimed delivery belongs to a live worker: one whose heartbeat is fresh.
-- A worker that stops beating (crash, kill, lost connection) loses its claims to the others; a
-- claim never expires on a timer while its worker still beats, however long a send takes.
create table dispatcher_worker (
    id           text primary key,
    started_at   timestamptz not null default now(),
    heartbeat_at timestamptz not null default now()
);

-- One row per run and client. Planning writes it as held_out, capped, no_consent or queued (with
-- the channels the client may be reached on, in the campaign's order); the dispatcher claims queued
-- rows with FOR UPDATE SKIP LOCKED, marks them sending under its lease, and ends each in delivered,
-- failed, unsubscribed, capped or cancelled.
create table delivery (
    id           bigserial primary key,
    run_id       bigint not null references campaign_run (id) on delete cascade,
    client_id    bigint not null references client (id) on delete cascade,
    status       text not null
                 check (status in ('held_out', 'capped', 'no_consent', 'queued', 'sending',
                                   'delivered', 'failed', 'unsubscribed', 'cancelled')),
    channels     text[] not null default '{}',  -- channels still to try, in order; the first is next
    channel      text,                          -- channel of the latest attempt
    address      text,                          -- address of the latest attempt
    not_before   timestamptz not null default now(),  -- queued: not to be sent earlier
    deferred     boolean not null default false,      -- planning moved it past quiet hours
    attempts     integer not null default 0,
    lease_owner  text,                          -- sending: the dispatcher_worker holding it
    provider_message_id text,
    reason       text,
    sent_at      timestamptz,
    updated_at   timestamptz not null default now(),
    unique (run_id, client_id)
);
create index delivery_queue_idx on delivery (not_before, id) where status = 'queued';
create index delivery_lease_idx on delivery (lease_owner) where status = 'sending';
create index delivery_client_idx on delivery (client_id, sent_at);

-- The frequency cap: each client's latest marketing message over all campaigns and channels. The
-- dispatcher reserves it with one conditional update before a send, so two campaigns firing at
-- once for overlapping audiences cannot both reach a client inside the cap.
create table client_contact (
    client_id       bigint primary key references client (id) on delete cascade,
    last_contact_at timestamptz not null,
    delivery_id     bigint
);
