-- A first refresh of a million clients wrote a million membership rows, and the foreign key to
-- client looked up and locked a client row for each of them: together with the indexes, most of
-- the 12.8 s the member rows took. The key was there because imports merge clients away
-- (identity resolution deletes the absorbed clients) while refreshes run, and it stopped a
-- refresh from keeping a member who is gone. The same guarantee now comes from the advisory lock
-- of ingest (IngestLock in the application): a refresh writes its membership in a transaction of
-- its own that holds the lock and leaves out clients that no longer exist, and the deletion of
-- clients takes the same lock in the trigger below before removing their membership. Whichever
-- comes second sees what the first committed, so no membership outlives its client.
alter table segment_member drop constraint segment_member_client_id_fkey;

create function segment_member_of_deleted_clients() returns trigger language plpgsql as $$
begin
    -- the key of IngestLock.KEY (0x48554249)
    perform pg_advisory_xact_lock(1213547081);
    delete from segment_member m using gone g where m.client_id = g.id;
    return null;
end
$$;

create trigger client_deleted_segment_members after delete on client
    referencing old table as gone for each statement execute function segment_member_of_deleted_clients();
