-- A channel that keeps answering "retry later" is given up after its own budget of attempts
-- (hub.campaigns.dispatch.max-attempts), and the next channel of the campaign's order starts with a
-- budget of its own: delivery.attempts counts every channel, this counts the channel tried now.
alter table delivery add column channel_attempts integer not null default 0;

-- Why each channel the delivery left was left ('SMS gave up after 20 attempts: HTTP 503'; 'SMS
-- failed: ...'), oldest first: the reason column holds only the latest outcome, and a delivery that
-- reached the client on its second channel must still say why the first one was not used.
alter table delivery add column fallback_reason text;
