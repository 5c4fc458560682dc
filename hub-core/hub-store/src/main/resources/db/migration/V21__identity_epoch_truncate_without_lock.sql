-- TRUNCATE (the tests' and benchmarks' way to empty the store) takes its exclusive table locks
-- before the statement trigger of V20 asked for the ingest lock, the opposite order of an import
-- batch or a refresh's write (ingest lock first, then the tables): the two could deadlock. A
-- truncate needs no ingest lock to advance the epoch: its exclusive lock waits for every batch that
-- touched the tables to end, and the sequence's new value is seen at once by the next one.
create function client_identity_epoch_advance_unlocked() returns trigger language plpgsql as $$
begin
    perform nextval('client_identity_epoch');
    return null;
end
$$;

drop trigger client_removed_advances_epoch on client;
create trigger client_removed_advances_epoch after delete on client
    for each statement execute function client_identity_epoch_advance();
create trigger client_truncated_advances_epoch after truncate on client
    for each statement execute function client_identity_epoch_advance_unlocked();

drop trigger client_identity_changed_advances_epoch on client_identity;
create trigger client_identity_changed_advances_epoch after update or delete on client_identity
    for each statement execute function client_identity_epoch_advance();
create trigger client_identity_truncated_advances_epoch after truncate on client_identity
    for each statement execute function client_identity_epoch_advance_unlocked();
