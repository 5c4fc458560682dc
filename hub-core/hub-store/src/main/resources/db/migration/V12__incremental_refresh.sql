-- A refresh either re-reads every client (full) or only those whose cell may have changed since the
-- segment's previous refresh (incremental, for strategies whose cells are per client).
alter table segment_refresh add column mode text not null default 'full'
    check (mode in ('full', 'incremental'));
