-- An import of a million receipt lines writes about 310,000 receipts, 200,000 identities and
-- 100,000 statistics rows, and the foreign keys of these three tables to client looked up and
-- share-locked a client row for every one of them (for the receipts alone 1.6 to 3 s of a COPY that
-- takes 2.6 s without the check). As for segment membership (V19), the guarantee now comes from
-- the advisory lock of ingest (IngestLock in the application): these rows are written only by
-- ingest, which holds the lock and names only clients it has just looked up or created, and the
-- deletion of clients takes the same lock in the trigger below before it checks and cleans up.
-- Whichever comes second sees what the first committed.
alter table receipt drop constraint receipt_client_id_fkey;
alter table client_identity drop constraint client_identity_client_id_fkey;
alter table client_stats drop constraint client_stats_client_id_fkey;

create function client_deleted_ingest_rows() returns trigger language plpgsql as $$
declare
    kept bigint;
begin
    -- the key of IngestLock.KEY (0x48554249)
    perform pg_advisory_xact_lock(1213547081);
    -- receipts are sales history: a client is deleted only after a merge moved them away (the
    -- foreign key refused it too)
    select r.client_id into kept from receipt r join gone g on r.client_id = g.id limit 1;
    if found then
        raise exception 'client % still has receipts: move them to another client before deleting it', kept
            using errcode = 'foreign_key_violation';
    end if;
    delete from client_identity i using gone g where i.client_id = g.id;
    delete from client_stats s using gone g where s.client_id = g.id;
    return null;
end
$$;

create trigger client_deleted_ingest_rows after delete on client
    referencing old table as gone for each statement execute function client_deleted_ingest_rows();
