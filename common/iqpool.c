/* SPDX-License-Identifier: GPL-3.0-or-later */
/* iqpool.c: many iq requests, a bounded number in flight at once. */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

struct req {
	struct req *next;	/* in the queue */
	xmpp_stanza_t *iq;
	xt_iq_cb cb;
	void *arg;
	char *id;
	double sent;		/* xt_now() once sent, 0 while queued */
	struct xt_iq_pool *pool;
};

struct xt_iq_pool {
	struct xt_session *s;
	int parallel;
	long max;		/* requests in all, 0: no bound */
	double wait;		/* seconds for each reply, 0: the run's -w */
	double idle;		/* replies due and nothing moved: fail */
	struct req *head, **tail;	/* queued, not sent */
	struct req **flight;	/* parallel slots, NULL when free */
	int inflight, peak;
	long added, sent, timeouts, unsent;
	int draining;
};

struct xt_iq_pool *
xt_iq_pool_new(struct xt_session *s, int parallel, long max, double wait)
{
	struct xt_iq_pool *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->flight = calloc(parallel > 0 ? parallel : 1,
	    sizeof(*p->flight))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	p->s = s;
	p->parallel = parallel > 0 ? parallel : 1;
	p->max = max;
	p->wait = wait;
	p->tail = &p->head;
	return p;
}

static void pump(struct xt_iq_pool *p);

static void
slot_free(struct xt_iq_pool *p, struct req *r)
{
	int i;

	for (i = 0; i < p->parallel; i++)
		if (p->flight[i] == r) {
			p->flight[i] = NULL;
			p->inflight--;
			break;
		}
	free(r->id);
	free(r);
}

static void
reply_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	struct req *r = arg;
	struct xt_iq_pool *p = r->pool;
	xt_iq_cb cb = r->cb;
	void *cbarg = r->arg;

	slot_free(p, r);
	/* The next request leaves before this reply is looked at: the
	 * server works while we do. */
	pump(p);
	cb(s, reply, cbarg);
}

static void
pump(struct xt_iq_pool *p)
{
	struct req *r;
	int i;

	while (p->inflight < p->parallel && p->head != NULL &&
	    xt_session_online(p->s) && (p->max <= 0 || p->sent < p->max)) {
		r = p->head;
		if ((p->head = r->next) == NULL)
			p->tail = &p->head;
		for (i = 0; p->flight[i] != NULL; i++)
			;
		p->flight[i] = r;
		if (++p->inflight > p->peak)
			p->peak = p->inflight;
		p->sent++;
		r->sent = xt_now();
		if (xmpp_stanza_get_id(r->iq) == NULL)
			xmpp_stanza_set_id(r->iq, xt_session_id(p->s));
		r->id = xt_strdup(xmpp_stanza_get_id(r->iq));
		xt_iq_send(p->s, r->iq, reply_cb, r);
		xmpp_stanza_release(r->iq);
		r->iq = NULL;
	}
}

static int
add(struct xt_iq_pool *p, xmpp_stanza_t *iq, xt_iq_cb cb, void *arg,
    int first)
{
	struct req *r;

	/* Once max were sent, nothing more goes out. */
	if (p->max > 0 && p->sent >= p->max) {
		xmpp_stanza_release(iq);
		p->unsent++;
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	p->added++;
	r->iq = iq;
	r->cb = cb;
	r->arg = arg;
	r->pool = p;
	if (first) {
		if ((r->next = p->head) == NULL)
			p->tail = &r->next;
		p->head = r;
	} else {
		*p->tail = r;
		p->tail = &r->next;
	}
	pump(p);
	return 0;
}

int
xt_iq_pool_add(struct xt_iq_pool *p, xmpp_stanza_t *iq, xt_iq_cb cb,
    void *arg)
{
	return add(p, iq, cb, arg, 0);
}

int
xt_iq_pool_add_first(struct xt_iq_pool *p, xmpp_stanza_t *iq, xt_iq_cb cb,
    void *arg)
{
	return add(p, iq, cb, arg, 1);
}

/* max were sent: what is still queued will not be; each callback is
 * told with a NULL reply while xt_iq_pool_unsent() says so. */
static void
drain(struct xt_iq_pool *p)
{
	struct req *r;

	p->draining = 1;
	while ((r = p->head) != NULL) {
		if ((p->head = r->next) == NULL)
			p->tail = &p->head;
		xmpp_stanza_release(r->iq);
		p->unsent++;
		r->cb(p->s, NULL, r->arg);
		free(r);
	}
	p->draining = 0;
}

int
xt_iq_pool_unsent(const struct xt_iq_pool *p)
{
	return p->draining;
}

long
xt_iq_pool_not_sent(const struct xt_iq_pool *p)
{
	return p->unsent;
}

/* A reply overdue: the request ends with no answer, the walk goes on. */
static void
expire(struct xt_iq_pool *p)
{
	double now = xt_now();
	struct req *r;
	xt_iq_cb cb;
	void *arg;
	int i;

	if (p->wait <= 0)
		return;
	for (i = 0; i < p->parallel; i++) {
		if ((r = p->flight[i]) == NULL || now - r->sent < p->wait)
			continue;
		xt_iq_cancel(p->s, r->id);
		cb = r->cb;
		arg = r->arg;
		p->timeouts++;
		slot_free(p, r);
		pump(p);
		cb(p->s, NULL, arg);
	}
}

static int
pool_done(void *arg)
{
	struct xt_iq_pool *p = arg;

	expire(p);
	/* A slow server still moves; one that sends nothing for idle
	 * seconds while it owes replies has stalled. */
	if (p->idle > 0 && p->inflight > 0 && xt_session_quiet(p->s) >
	    p->idle) {
		xt_session_fail(p->s, XT_TEMPFAIL, "'%s' sent nothing for %g s "
		    "with %d %s unanswered", xt_session_domain(p->s), p->idle,
		    p->inflight, p->inflight == 1 ? "request" : "requests");
		return 1;
	}
	if (p->inflight == 0 && p->head != NULL && p->max > 0 &&
	    p->sent >= p->max)
		drain(p);
	return p->inflight == 0 && p->head == NULL;
}

void
xt_iq_pool_set_idle(struct xt_iq_pool *p, double seconds)
{
	p->idle = seconds;
}

int
xt_iq_pool_run(struct xt_iq_pool *p)
{
	pump(p);
	return xt_session_run(p->s, pool_done, p);
}

long
xt_iq_pool_sent(const struct xt_iq_pool *p)
{
	return p->sent;
}

int
xt_iq_pool_peak(const struct xt_iq_pool *p)
{
	return p->peak;
}

long
xt_iq_pool_timeouts(const struct xt_iq_pool *p)
{
	return p->timeouts;
}

int
xt_iq_pool_full(const struct xt_iq_pool *p)
{
	return p->max > 0 && p->sent >= p->max;
}

void
xt_iq_pool_free(struct xt_iq_pool *p)
{
	struct req *r, *next;
	int i;

	if (p == NULL)
		return;
	for (r = p->head; r != NULL; r = next) {
		next = r->next;
		xmpp_stanza_release(r->iq);
		free(r);
	}
	for (i = 0; i < p->parallel; i++)
		if (p->flight[i] != NULL) {
			xt_iq_cancel(p->s, p->flight[i]->id);
			free(p->flight[i]->id);
			free(p->flight[i]);
		}
	free(p->flight);
	free(p);
}
