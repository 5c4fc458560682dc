-- Audit log: who exported, looked at unmasked contacts or changed users, tokens, plugins, sources,
-- channels and campaigns. Rows are only ever added; the trigger below refuses UPDATE, DELETE and
-- TRUNCATE for every database user, the hub's own included, so a row once written stays as written.

create table audit_event (
    id      bigserial primary key,
    at      timestamptz not null default now(),
    actor   text not null,        -- username, or 'system' for the hub's own actions
    action  text not null,        -- dotted verb: segment.export, user.create, plugin.disable, ...
    target  text,                 -- what was acted on: segment:12, user:anna, plugin:rfm
    details text                  -- short human-readable facts; never a secret, never a contact
);
create index audit_event_at_idx on audit_event (at desc, id desc);
create index audit_event_actor_idx on audit_event (actor, at desc);
create index audit_event_action_idx on audit_event (action, at desc);

create function audit_event_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_event_no_update_or_delete
    before update or delete on audit_event
    for each row execute function audit_event_append_only();

create trigger audit_event_no_truncate
    before truncate on audit_event
    for each statement execute function audit_event_append_only();

-- A revoked token stays listed (who had it, when it was last used) but no longer authenticates.
alter table api_token add column revoked_at timestamptz;
