-- A client merged away (identity resolution during an import) or deleted takes their membership
-- with them through the cascade of segment_member.client_id; without an index of its own that
-- cascade scanned the whole membership of every segment once per deleted client.
create index segment_member_client_idx on segment_member (client_id);
