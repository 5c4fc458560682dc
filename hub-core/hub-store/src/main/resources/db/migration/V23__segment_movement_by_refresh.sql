-- The history of a segment is read by segment and id (its pages, the key), by client (a client's
-- page) and by refresh (the console's latest moves per cell, which read every partition by
-- refresh_id alone). Nothing reads it by segment and time: that index cost a sorted build per first
-- fill of a million movements (SegmentRefresher's bulk path) and an insertion per movement. An index
-- by refresh within the segment serves the console instead; in a first fill it holds one key.
drop index segment_movement_segment_idx;
create index segment_movement_refresh_idx on segment_movement (segment_id, refresh_id);
