/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outq.c: stanzas kept until the server has confirmed them, re-sent after
 * a reconnect, confirmed in batches by iq barriers (XEP-0199), and paced
 * so that a barrier is never stuck behind more than the server reads in a
 * fraction of -w. */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

#define BATCH 100		/* stanzas per barrier at most */
#define BATCH_AGE 0.2		/* seconds an unconfirmed batch may wait */
#define MAX_BARRIERS 64
/* Bytes between barriers: at least this, at most STEP_MAX, and no more
 * than STEP_PER_S per second of -w, so that a server reading as slowly as
 * 1 kB/s still answers a barrier within half of -w. */
#define STEP_MIN 1024
#define STEP_MAX 16384
#define STEP_PER_S 512
#define STEP_START 2048
#define WINDOW_STEPS 4		/* bytes in flight: this many steps */
/* Stanzas go out in one write (one TLS record) up to this size: one
 * record per stanza costs both ends a syscall and a decryption each. */
#define COALESCE 16384

struct item {
	char *xml;
	size_t len;
	unsigned long tag;
};

struct barrier {
	char id[48];
	unsigned long long end;	/* confirms every seq below this */
	double sent;
	size_t inflight;	/* bytes unconfirmed when it was sent */
};

struct xt_outq {
	struct xt_session *s;
	struct item *items;	/* ring of serialised stanzas */
	size_t cap, head, n;
	unsigned long long base;	/* seq of items[head] */
	size_t sent;		/* items from head written on this stream */
	size_t inflight;	/* bytes of those */
	unsigned long long barrier_end;	/* seq covered by the last barrier */
	size_t unbarriered;	/* bytes sent since the last barrier */
	double first_unbarriered;
	struct barrier bar[MAX_BARRIERS];
	int nbar;
	double patience;	/* -w */
	double speed;		/* bytes/s the server was seen to process */
	size_t step;		/* bytes between barriers */
	double rate, tokens, last_refill;
	unsigned long long confirmed;
	size_t max;		/* largest stanza sent (0: no limit) */
	int max_fixed;		/* max given by the user: keep it */
	xt_refuse_cb refuse_cb;
	void *refuse_arg;
	int held;		/* send nothing more */
	char *barrier_to;	/* whom barriers ask (NULL: our server) */
	/* an error answer to a barrier: 1 if it confirms nothing */
	int (*barrier_error)(xmpp_stanza_t *reply, void *arg);
	void *barrier_error_arg;
	size_t buflen;
	char buf[COALESCE];
};

static size_t
step_cap(const struct xt_outq *q)
{
	double cap = q->patience > 0 ? q->patience * STEP_PER_S : STEP_MAX;

	return cap > STEP_MAX ? STEP_MAX : cap < STEP_MIN ? STEP_MIN :
	    (size_t)cap;
}

struct xt_outq *
xt_outq_new(struct xt_session *s)
{
	struct xt_outq *q = calloc(1, sizeof(*q));

	if (q == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	q->s = s;
	q->last_refill = xt_now();
	q->patience = xt_opt.timeout_s;
	q->step = STEP_START < step_cap(q) ? STEP_START : step_cap(q);
	return q;
}

void
xt_outq_set_barrier(struct xt_outq *q, const char *to)
{
	free(q->barrier_to);
	q->barrier_to = to ? xt_strdup(to) : NULL;
}

void
xt_outq_on_barrier_error(struct xt_outq *q,
    int (*cb)(xmpp_stanza_t *reply, void *arg), void *arg)
{
	q->barrier_error = cb;
	q->barrier_error_arg = arg;
}

void
xt_outq_set_rate(struct xt_outq *q, double per_second)
{
	q->rate = per_second;
	q->tokens = per_second > 1 ? 1 : per_second;
}

void
xt_outq_set_max(struct xt_outq *q, size_t bytes, int fixed)
{
	q->max = bytes;
	q->max_fixed = fixed;
}

void
xt_outq_on_refuse(struct xt_outq *q, xt_refuse_cb cb, void *arg)
{
	q->refuse_cb = cb;
	q->refuse_arg = arg;
}

static struct item *
at(const struct xt_outq *q, size_t i)
{
	return &q->items[(q->head + i) % q->cap];
}

void
xt_outq_push(struct xt_outq *q, char *xml, unsigned long tag)
{
	struct item *grown;
	size_t i;

	if (q->n == q->cap) {
		grown = malloc((q->cap ? q->cap * 2 : 64) * sizeof(*grown));
		if (grown == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		for (i = 0; i < q->n; i++)
			grown[i] = *at(q, i);
		free(q->items);
		q->items = grown;
		q->cap = q->cap ? q->cap * 2 : 64;
		q->head = 0;
	}
	grown = &q->items[(q->head + q->n) % q->cap];
	grown->xml = xml;
	grown->len = strlen(xml);
	grown->tag = tag;
	q->n++;
}

/* Take item i (not sent on this stream) out of the queue as refused. */
static void
refuse(struct xt_outq *q, size_t i, size_t limit)
{
	struct item it = *at(q, i);

	for (; i + 1 < q->n; i++)
		*at(q, i) = *at(q, i + 1);
	q->n--;
	if (q->refuse_cb != NULL)
		q->refuse_cb(it.xml, it.len, it.tag, limit, q->refuse_arg);
	free(it.xml);
}

/* Drop every item below seq end: the server has processed them. */
static void
confirm(struct xt_outq *q, unsigned long long end)
{
	while (q->base < end && q->n > 0) {
		if (q->sent > 0) {
			q->sent--;
			q->inflight -= at(q, 0)->len;
		}
		free(at(q, 0)->xml);
		q->head = (q->head + 1) % q->cap;
		q->n--;
		q->base++;
		q->confirmed++;
	}
}

/* Little's law: what was in flight, over the time it took, is how fast
 * the server reads; the step follows it (an eighth of -w of reading). */
static void
learn_speed(struct xt_outq *q, const struct barrier *b)
{
	double took = xt_now() - b->sent, sample, step;

	if (took <= 0 || b->inflight == 0)
		return;
	sample = b->inflight / took;
	q->speed = q->speed > 0 ? (q->speed + sample) / 2 : sample;
	step = q->speed * q->patience / 8;
	q->step = step > step_cap(q) ? step_cap(q) : step < STEP_MIN ?
	    STEP_MIN : (size_t)step;
}

static void
barrier_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	struct xt_outq *q = arg;
	const char *id = xmpp_stanza_get_id(reply);
	int i;

	(void)s;
	for (i = 0; i < q->nbar; i++) {
		if (strcmp(q->bar[i].id, id) != 0)
			continue;
		/* The server handles a stream in order: an answer, even an
		 * error, proves everything before the ping was processed,
		 * unless the tool knows that error to mean the stanzas were
		 * not taken (a room that no longer has us): then they stay
		 * unconfirmed, and a restart sends them again. */
		learn_speed(q, &q->bar[i]);
		if (!(q->barrier_error != NULL && strcmp(
		    xmpp_stanza_get_type(reply), "error") == 0 &&
		    q->barrier_error(reply, q->barrier_error_arg)))
			confirm(q, q->bar[i].end);
		memmove(&q->bar[i], &q->bar[i + 1],
		    (q->nbar - i - 1) * sizeof(q->bar[0]));
		q->nbar--;
		return;
	}
}

static void
send_barrier(struct xt_outq *q)
{
	xmpp_ctx_t *ctx = xt_session_ctx(q->s);
	xmpp_stanza_t *iq;
	struct barrier *b;

	if (q->nbar == MAX_BARRIERS)
		return;		/* wait for answers first */
	b = &q->bar[q->nbar++];
	iq = xt_ping_new(ctx, xt_session_id(q->s), q->barrier_to ?
	    q->barrier_to : xt_session_domain(q->s));
	snprintf(b->id, sizeof(b->id), "%s", xmpp_stanza_get_id(iq));
	b->end = q->base + q->sent;
	b->sent = xt_now();
	b->inflight = q->inflight;
	q->barrier_end = b->end;
	q->unbarriered = 0;
	xt_iq_send(q->s, iq, barrier_cb, q);
	xmpp_stanza_release(iq);
}

static void
flush(struct xt_outq *q)
{
	if (q->buflen == 0)
		return;
	q->buf[q->buflen] = '\0';
	xt_session_send_raw(q->s, q->buf);
	q->buflen = 0;
}

static void
coalesce(struct xt_outq *q, const struct item *it)
{
	if (q->buflen + it->len + 1 > COALESCE)
		flush(q);
	if (it->len + 1 > COALESCE) {
		xt_session_send_raw(q->s, it->xml);
		return;
	}
	memcpy(q->buf + q->buflen, it->xml, it->len);
	q->buflen += it->len;
}

/* 1 if --rate allows one more stanza now. */
static int
rate_allows(struct xt_outq *q)
{
	double now;

	if (q->rate <= 0)
		return 1;
	now = xt_now();
	q->tokens += (now - q->last_refill) * q->rate;
	q->last_refill = now;
	if (q->tokens > (q->rate > 1 ? q->rate : 1))
		q->tokens = q->rate > 1 ? q->rate : 1;
	if (q->tokens < 1)
		return 0;
	q->tokens -= 1;
	return 1;
}

/* The size limit in force: the user's, else what the server advertised,
 * else the tool's default. */
static size_t
limit(const struct xt_outq *q)
{
	size_t adv = xt_session_max_stanza(q->s);

	return !q->max_fixed && adv > 0 ? adv : q->max;
}

/* 1 if the next stanza fits the window of bytes in flight: the server
 * has not fallen behind by more than a few steps. One always goes. */
static int
window_allows(const struct xt_outq *q, const struct item *it)
{
	return q->inflight == 0 || q->inflight + it->len <=
	    WINDOW_STEPS * q->step;
}

void
xt_outq_pump(struct xt_outq *q, int final)
{
	unsigned long long unbarriered;
	struct item *it;
	size_t max;
	int blocked;

	if (!xt_session_online(q->s))
		return;
	max = limit(q);
	while (!q->held && q->sent < q->n) {
		it = at(q, q->sent);
		if (max > 0 && it->len > max) {
			refuse(q, q->sent, max);
			continue;
		}
		if (!window_allows(q, it) || !rate_allows(q))
			break;
		if (q->base + q->sent == q->barrier_end)
			q->first_unbarriered = xt_now();
		coalesce(q, it);
		q->sent++;
		q->inflight += it->len;
		q->unbarriered += it->len;
		if (q->base + q->sent - q->barrier_end >= BATCH ||
		    q->unbarriered >= q->step) {
			flush(q);
			send_barrier(q);
		}
	}
	flush(q);
	/* A full window waits for a barrier: send it now. */
	blocked = !q->held && q->sent < q->n && !window_allows(q,
	    at(q, q->sent));
	unbarriered = q->base + q->sent - q->barrier_end;
	if (unbarriered > 0 && (final || blocked ||
	    xt_now() - q->first_unbarriered >= BATCH_AGE))
		send_barrier(q);
}

int
xt_outq_refuse_largest(struct xt_outq *q, size_t min)
{
	size_t i, best = 0;

	/* Only between streams: nothing is in flight. */
	if (q->sent > 0 || q->n == 0)
		return 0;
	for (i = 1; i < q->n; i++)
		if (at(q, i)->len > at(q, best)->len)
			best = i;
	if (at(q, best)->len < min)
		return 0;
	/* Whatever the limit is, this one is over it: so are larger ones. */
	q->max = at(q, best)->len - 1;
	q->max_fixed = 1;
	refuse(q, best, 0);
	return 1;
}

int
xt_outq_stalled(struct xt_outq *q, double seconds)
{
	return q->nbar > 0 && xt_session_quiet(q->s) > seconds;
}

size_t
xt_outq_unconfirmed(const struct xt_outq *q)
{
	return q->n;
}

void
xt_outq_hold(struct xt_outq *q)
{
	q->held = 1;
}

size_t
xt_outq_unsettled(const struct xt_outq *q)
{
	/* Held: only what was sent still waits for its confirmation. */
	return q->held ? q->sent : q->n;
}

unsigned long long
xt_outq_confirmed(const struct xt_outq *q)
{
	return q->confirmed;
}

void
xt_outq_restart(struct xt_outq *q)
{
	/* The old stream's barriers will never be answered. */
	q->nbar = 0;
	q->sent = 0;
	q->inflight = 0;
	q->unbarriered = 0;
	q->barrier_end = q->base;
}

void
xt_outq_dump(const struct xt_outq *q, FILE *f)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		fprintf(f, "%s\n", at(q, i)->xml);
}

void
xt_outq_free(struct xt_outq *q)
{
	if (q == NULL)
		return;
	while (q->n > 0) {
		free(at(q, 0)->xml);
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	free(q->items);
	free(q->barrier_to);
	free(q);
}
