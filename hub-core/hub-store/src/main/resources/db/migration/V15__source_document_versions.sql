-- The DataVersion of each 1C document a source stored (only for sources with
-- skip-unchanged-versions): written in the transaction that stores the document, so a version is
-- never remembered for a document the store does not hold; read at the start of a poll for the
-- documents the overlap window brings back, so a restart does not rewrite them. Rows older than
-- any poll can read again are deleted by the poll.
create table source_document_version (
    source_id     text not null,
    document_key  text not null,        -- the document's Ref_Key, lower case (the receipt's natural key)
    data_version  text not null,        -- 1C's opaque stamp, compared for equality only
    document_date timestamp not null,   -- the document's Date (local time, as the watermark)
    primary key (source_id, document_key)
);
create index source_document_version_date_idx on source_document_version (source_id, document_date);
