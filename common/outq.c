/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outq.c: stanzas kept until the server has confirmed them, re-sent after
 * a reconnect, confirmed in batches by iq barriers (XEP-0199). */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

#define BATCH 100		/* stanzas per barrier at most */
#define BATCH_AGE 0.2		/* seconds an unconfirmed batch may wait */
#define MAX_BARRIERS 64
/* Stanzas go out in one write (one TLS record) up to this size: one
 * record per stanza costs both ends a syscall and a decryption each. */
#define COALESCE 16384

struct barrier {
	char id[48];
	unsigned long long end;	/* confirms every seq below this */
	double sent;
};

struct xt_outq {
	struct xt_session *s;
	char **items;		/* ring of serialised stanzas */
	size_t cap, head, n;
	unsigned long long base;	/* seq of items[head] */
	size_t sent;		/* items from head written on this stream */
	unsigned long long barrier_end;	/* seq covered by the last barrier */
	double first_unbarriered;
	struct barrier bar[MAX_BARRIERS];
	int nbar;
	double rate, tokens, last_refill;
	unsigned long long confirmed;
	int held;		/* send nothing more */
	size_t buflen;
	char buf[COALESCE];
};

struct xt_outq *
xt_outq_new(struct xt_session *s)
{
	struct xt_outq *q = calloc(1, sizeof(*q));

	if (q == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	q->s = s;
	q->last_refill = xt_now();
	return q;
}

void
xt_outq_set_rate(struct xt_outq *q, double per_second)
{
	q->rate = per_second;
	q->tokens = per_second > 1 ? 1 : per_second;
}

void
xt_outq_push(struct xt_outq *q, char *xml)
{
	char **grown;
	size_t i;

	if (q->n == q->cap) {
		grown = malloc((q->cap ? q->cap * 2 : 64) * sizeof(*grown));
		if (grown == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		for (i = 0; i < q->n; i++)
			grown[i] = q->items[(q->head + i) % q->cap];
		free(q->items);
		q->items = grown;
		q->cap = q->cap ? q->cap * 2 : 64;
		q->head = 0;
	}
	q->items[(q->head + q->n) % q->cap] = xml;
	q->n++;
}

/* Drop every item below seq end: the server has processed them. */
static void
confirm(struct xt_outq *q, unsigned long long end)
{
	while (q->base < end && q->n > 0) {
		free(q->items[q->head]);
		q->head = (q->head + 1) % q->cap;
		q->n--;
		q->base++;
		q->confirmed++;
		if (q->sent > 0)
			q->sent--;
	}
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
		 * error, proves everything before the ping was processed. */
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
	iq = xt_ping_new(ctx, xt_session_id(q->s), xt_session_domain(q->s));
	snprintf(b->id, sizeof(b->id), "%s", xmpp_stanza_get_id(iq));
	b->end = q->base + q->sent;
	b->sent = xt_now();
	q->barrier_end = b->end;
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
coalesce(struct xt_outq *q, const char *xml)
{
	size_t len = strlen(xml);

	if (q->buflen + len + 1 > COALESCE)
		flush(q);
	if (len + 1 > COALESCE) {
		xt_session_send_raw(q->s, xml);
		return;
	}
	memcpy(q->buf + q->buflen, xml, len);
	q->buflen += len;
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

void
xt_outq_pump(struct xt_outq *q, int final)
{
	unsigned long long unbarriered;
	char *xml;

	if (!xt_session_online(q->s))
		return;
	while (!q->held && q->sent < q->n && rate_allows(q)) {
		xml = q->items[(q->head + q->sent) % q->cap];
		if (q->base + q->sent == q->barrier_end)
			q->first_unbarriered = xt_now();
		coalesce(q, xml);
		q->sent++;
		if (q->base + q->sent - q->barrier_end >= BATCH) {
			flush(q);
			send_barrier(q);
		}
	}
	flush(q);
	unbarriered = q->base + q->sent - q->barrier_end;
	if (unbarriered > 0 && (final ||
	    xt_now() - q->first_unbarriered >= BATCH_AGE))
		send_barrier(q);
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

double
xt_outq_oldest_barrier(const struct xt_outq *q)
{
	return q->nbar > 0 ? q->bar[0].sent : 0;
}

void
xt_outq_restart(struct xt_outq *q)
{
	/* The old stream's barriers will never be answered. */
	q->nbar = 0;
	q->sent = 0;
	q->barrier_end = q->base;
}

void
xt_outq_dump(const struct xt_outq *q, FILE *f)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		fprintf(f, "%s\n", q->items[(q->head + i) % q->cap]);
}

void
xt_outq_free(struct xt_outq *q)
{
	if (q == NULL)
		return;
	while (q->n > 0) {
		free(q->items[q->head]);
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	free(q->items);
	free(q);
}
