-- The dispatcher's additions to the campaign store (V5).

-- A frequency-cap reservation that ends without a delivery (the send failed, was retried later or
-- fell back) is released by putting back the contact it replaced, so the cap keeps counting from
-- the client's real latest message.
alter table client_contact
    add column previous_contact_at timestamptz,
    add column previous_delivery_id bigint;

-- Whether a run still has work: finishing a run asks this for every dispatching run, so it must not
-- walk the run's delivered rows.
create index delivery_unfinished_idx on delivery (run_id) where status in ('queued', 'sending');
