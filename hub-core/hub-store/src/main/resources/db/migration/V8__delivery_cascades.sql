-- Planning a run inserts one delivery row per audience client in one statement. Checking the two
-- foreign keys of delivery row by row (each check also locks the referenced client row) took about
-- a third of planning a million-client run. The rows are inserted by INSERT ... SELECT from the
-- client table, in the transaction that holds the run's row lock, so they reference existing rows
-- by construction. Deleting a run or a client still removes its deliveries, a statement at a time.
alter table delivery drop constraint delivery_run_id_fkey;
alter table delivery drop constraint delivery_client_id_fkey;

create function delivery_of_deleted_runs() returns trigger language plpgsql as $$
begin
    delete from delivery d using gone g where d.run_id = g.id;
    return null;
end
$$;

create trigger campaign_run_deleted after delete on campaign_run
    referencing old table as gone for each statement execute function delivery_of_deleted_runs();

create function delivery_of_deleted_clients() returns trigger language plpgsql as $$
begin
    delete from delivery d using gone g where d.client_id = g.id;
    return null;
end
$$;

create trigger client_deleted_deliveries after delete on client
    referencing old table as gone for each statement execute function delivery_of_deleted_clients();
