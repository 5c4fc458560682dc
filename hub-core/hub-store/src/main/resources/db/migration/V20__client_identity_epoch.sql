-- An import run remembers which client each identity key of its committed batches belongs to, so
-- its later batches do not look those keys up again (RunIdentities in the application). What it
-- remembers stays true as long as no client is deleted (merged away), no identity is moved or
-- removed and no profile field is emptied. Each of these advances this sequence; a batch reads it
-- under the ingest lock and forgets everything its run remembers when it moved.
--
-- The bump takes the ingest lock first, so it happens only in a transaction that holds the lock
-- until it ends: a batch that holds the lock sees the counter move only by its own statements.
-- A sequence rather than a counter row: the bump is seen at once by every session (a rolled back
-- bump only costs a run its memory) and never waits for another writer's row lock.
create sequence client_identity_epoch;

create function client_identity_epoch_advance() returns trigger language plpgsql as $$
begin
    -- the key of IngestLock.KEY (0x48554249)
    perform pg_advisory_xact_lock(1213547081);
    perform nextval('client_identity_epoch');
    return null;
end
$$;

create trigger client_removed_advances_epoch after delete or truncate on client
    for each statement execute function client_identity_epoch_advance();

create trigger client_identity_changed_advances_epoch after update or delete or truncate on client_identity
    for each statement execute function client_identity_epoch_advance();

-- Profiles only ever gain fields (imports fill gaps, merges coalesce); a run remembers which fields
-- a client lacks to skip filling the clients that lack nothing a batch could give them. Whatever
-- empties a field makes that knowledge wrong.
create trigger client_profile_emptied_advances_epoch after update of name, phone, email, birthday, city on client
    for each row when ((old.name is not null and new.name is null) or (old.phone is not null and new.phone is null)
        or (old.email is not null and new.email is null) or (old.birthday is not null and new.birthday is null)
        or (old.city is not null and new.city is null))
    execute function client_identity_epoch_advance();
