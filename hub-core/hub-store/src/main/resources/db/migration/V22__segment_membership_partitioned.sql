-- Membership and history partitioned by segment, one partition of each per segment.
--
-- A first refresh of a segment over a million clients wrote a million rows into segment_member and
-- a million into segment_movement, each row inserted into every index of the table (7.2 s and
-- 6.6 s). Built as a new table instead (rows sorted by client, indexes built once afterwards, and
-- under wal_level=minimal no WAL for a table created in the same transaction) the same rows took
-- 3.7 s and 2.9 s. A partition per segment lets a refresh that rewrites most of a segment build the
-- segment's membership (and a first history) that way and swap it in for the segment's partition,
-- leaving the other segments alone (SegmentRefresher.write). Small refreshes keep writing rows.
--
-- The parent keeps the columns and the indexes of the tables it replaces, so every query (and the
-- jOOQ classes) stay as they were; a query naming its segment reads that segment's partition only.

alter table segment_member rename to segment_member_v21;
alter table segment_member_v21 rename constraint segment_member_pkey to segment_member_v21_pkey;
alter index segment_member_cell_idx rename to segment_member_v21_cell_idx;
alter index segment_member_client_idx rename to segment_member_v21_client_idx;

alter table segment_movement rename to segment_movement_v21;
alter table segment_movement_v21 rename constraint segment_movement_pkey to segment_movement_v21_pkey;
alter index segment_movement_segment_idx rename to segment_movement_v21_segment_idx;
alter index segment_movement_client_idx rename to segment_movement_v21_client_idx;
-- the ids go on from the same sequence: the history of a segment is ordered by id
alter sequence segment_movement_id_seq owned by none;

create table segment_member (
    segment_id  bigint not null,
    client_id   bigint not null,
    cell        text not null,
    since       timestamptz not null,        -- when the client entered this cell
    primary key (segment_id, client_id)
) partition by list (segment_id);
create index segment_member_cell_idx on segment_member (segment_id, cell, client_id);
create index segment_member_client_idx on segment_member (client_id);

-- One row per client whose cell changed in a refresh; from_cell null = entered the segment,
-- to_cell null = left it. The key includes the segment, as a partitioned table's keys must.
create table segment_movement (
    id          bigint not null default nextval('segment_movement_id_seq'),
    segment_id  bigint not null,
    refresh_id  bigint not null,
    client_id   bigint not null,
    from_cell   text,
    to_cell     text,
    moved_at    timestamptz not null,
    primary key (segment_id, id)
) partition by list (segment_id);
create index segment_movement_segment_idx on segment_movement (segment_id, moved_at, id);
create index segment_movement_client_idx on segment_movement (client_id, moved_at);
alter sequence segment_movement_id_seq owned by segment_movement.id;

-- Partitions are created, dropped and swapped under the advisory lock of ingest (IngestLock in the
-- application, the same key as V19's trigger), which every refresh write and every deletion of
-- clients takes before touching these tables. Creating or dropping a partition locks the parent
-- exclusively; done in any order against a refresh that already reads or writes one table and
-- waits for the other, that would deadlock. Under the lock they simply take turns. The lock is taken
-- before the segment's row is locked (a statement trigger before the deletion), because a refresh
-- holding the lock waits for that row (its segment_refresh row refers to it). The history's
-- partition comes first, as in a refresh's write.
create function segment_partitions(segment bigint) returns void language plpgsql as $$
begin
    perform pg_advisory_xact_lock(1213547081);
    execute format('create table if not exists %I partition of segment_movement for values in (%s)',
                   'segment_movement_' || segment, segment);
    execute format('create table if not exists %I partition of segment_member for values in (%s)',
                   'segment_member_' || segment, segment);
end
$$;

do $$
declare
    s bigint;
begin
    for s in select id from segment order by id loop
        perform segment_partitions(s);
    end loop;
end
$$;

insert into segment_member (segment_id, client_id, cell, since)
select segment_id, client_id, cell, since from segment_member_v21
where segment_id in (select id from segment) order by segment_id, client_id;
insert into segment_movement (id, segment_id, refresh_id, client_id, from_cell, to_cell, moved_at)
select id, segment_id, refresh_id, client_id, from_cell, to_cell, moved_at from segment_movement_v21
where segment_id in (select id from segment) order by segment_id, id;
drop table segment_member_v21, segment_movement_v21;

create function segment_created() returns trigger language plpgsql as $$
begin
    perform segment_partitions(new.id);
    return null;
end
$$;

create trigger segment_partitions after insert on segment
    for each row execute function segment_created();

-- A deleted segment's membership and history go with their partitions: dropping them is a catalog
-- change, where deleting the rows (V16's trigger) wrote and left dead a row per member and movement.
drop trigger segment_forget_membership on segment;
drop function segment_forget_membership();

create function segment_deleting() returns trigger language plpgsql as $$
begin
    perform pg_advisory_xact_lock(1213547081);
    return null;
end
$$;

create trigger segment_deleting before delete on segment
    for each statement execute function segment_deleting();

create function segment_deleted() returns trigger language plpgsql as $$
begin
    execute format('drop table if exists %I', 'segment_movement_' || old.id);
    execute format('drop table if exists %I', 'segment_member_' || old.id);
    return null;
end
$$;

create trigger segment_partitions_dropped after delete on segment
    for each row execute function segment_deleted();

analyze segment_member;
analyze segment_movement;
