-- A refresh writes up to one membership row and one history row per client (a million on a large
-- base), all for one segment and one refresh. The foreign keys to segment and segment_refresh made
-- PostgreSQL look up and lock the same parent row again for every one of those rows, which cost as
-- much as writing them. The refresh already holds that parent: its own segment_refresh row,
-- inserted in the same transaction, locks the segment (its foreign key) until the refresh commits,
-- so the segment cannot go away meanwhile. What the foreign keys still did, removing membership and
-- history with their segment, the trigger below does once per deleted segment.
-- segment_member keeps its foreign key to client: clients are merged away by imports running at the
-- same time as refreshes, and that key is what stops a refresh from keeping a member who is gone.
alter table segment_member drop constraint segment_member_segment_id_fkey;
alter table segment_movement drop constraint segment_movement_segment_id_fkey;
alter table segment_movement drop constraint segment_movement_refresh_id_fkey;

create function segment_forget_membership() returns trigger language plpgsql as $$
begin
    delete from segment_member where segment_id = old.id;
    delete from segment_movement where segment_id = old.id;
    return old;
end
$$;

create trigger segment_forget_membership after delete on segment
    for each row execute function segment_forget_membership();
