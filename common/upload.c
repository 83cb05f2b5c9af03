/* SPDX-License-Identifier: GPL-3.0-or-later */
/* upload.c: HTTP File Upload (XEP-0363): finding the service, its size
 * limit, and a slot for each file. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "xt.h"

#define NS_UPLOAD "urn:xmpp:http:upload:0"

/* What the service says of itself: 1 if it is one, with its limit. */
static int
service_of(xmpp_stanza_t *reply, struct xt_upload_service *u)
{
	struct xt_disco_info *d = xt_disco_info_parse(reply);
	const struct xt_form *f;
	const struct xt_field *fl;
	int is;

	if (d == NULL)
		return 0;
	is = xt_disco_has(d, NS_UPLOAD);
	u->max = 0;
	/* XEP-0363 4: the limit, in the service's extended information. */
	if (is && (f = xt_disco_form(d, NS_UPLOAD)) != NULL &&
	    (fl = xt_form_field(f, "max-file-size")) != NULL &&
	    fl->nvalues > 0)
		u->max = strtoull(fl->values[0], NULL, 10);
	xt_disco_info_free(d);
	return is;
}

static int
ask(struct xt_session *s, const char *jid, struct xt_upload_service *u,
    int *is)
{
	xmpp_stanza_t *iq = xt_disco_new(xt_session_ctx(s), NULL, jid, NULL, 0);
	xmpp_stanza_t *r = NULL;
	int status = xt_iq_request(s, iq, &r);

	xmpp_stanza_release(iq);
	if (status != 0)
		return status;
	*is = service_of(r, u);
	xmpp_stanza_release(r);
	return 0;
}

int
xt_upload_find(struct xt_session *s, const char *named,
    struct xt_upload_service *u, char *why, size_t whylen)
{
	xmpp_stanza_t *iq, *r = NULL;
	struct xt_disco_items *items;
	size_t i;
	int status, is = 0;

	memset(u, 0, sizeof(*u));
	if (named != NULL) {
		if ((status = ask(s, named, u, &is)) != 0)
			return status;
		if (!is) {
			snprintf(why, whylen, "'%s' is not an HTTP upload "
			    "service (no %s)", named, NS_UPLOAD);
			return XT_NEGATIVE;
		}
		snprintf(u->jid, sizeof(u->jid), "%s", named);
		return 0;
	}
	/* The server's items, one disco#info each, in turn: a server has
	 * a handful, and the first that is a service is the one. */
	iq = xt_disco_new(xt_session_ctx(s), NULL, xt_session_domain(s), NULL,
	    1);
	status = xt_iq_request(s, iq, &r);
	xmpp_stanza_release(iq);
	if (status != 0)
		return status;
	items = xt_disco_items_parse(r);
	xmpp_stanza_release(r);
	for (i = 0; items != NULL && i < items->n && status == 0; i++) {
		if (items->items[i].jid == NULL || items->items[i].node != NULL)
			continue;
		if ((status = ask(s, items->items[i].jid, u, &is)) == 0 && is) {
			snprintf(u->jid, sizeof(u->jid), "%s",
			    items->items[i].jid);
			break;
		}
	}
	xt_disco_items_free(items);
	if (status != 0)
		return status;
	if (u->jid[0] == '\0') {
		snprintf(why, whylen, "'%s' offers no HTTP upload service "
		    "(XEP-0363) among its items; name one with "
		    "--upload-service", xt_session_domain(s));
		return XT_NEGATIVE;
	}
	return 0;
}

/* XEP-0363 5: only these headers may go with the PUT. */
static int
allowed_header(const char *name)
{
	return strcasecmp(name, "Authorization") == 0 ||
	    strcasecmp(name, "Cookie") == 0 || strcasecmp(name, "Expires") == 0;
}

int
xt_upload_slot(struct xt_session *s, const struct xt_upload_service *u,
    const char *name, unsigned long long size, const char *type,
    struct xt_upload_slot *slot, char *why, size_t whylen)
{
	xmpp_ctx_t *ctx = xt_session_ctx(s);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", NULL), *q, *r = NULL;
	xmpp_stanza_t *sl, *put, *get, *c;
	const char *text, *hn;
	char n[32], *hv;
	size_t nh = 0;
	int status;

	memset(slot, 0, sizeof(*slot));
	xmpp_stanza_set_to(iq, u->jid);
	q = xt_stanza_add(iq, "request", NS_UPLOAD, NULL);
	xmpp_stanza_set_attribute(q, "filename", name);
	snprintf(n, sizeof(n), "%llu", size);
	xmpp_stanza_set_attribute(q, "size", n);
	if (type != NULL)
		xmpp_stanza_set_attribute(q, "content-type", type);
	status = xt_iq_request(s, iq, &r);
	xmpp_stanza_release(iq);
	if (status != 0)
		return status;
	if (strcmp(xmpp_stanza_get_type(r), "result") != 0) {
		text = xt_error_text(r);
		snprintf(why, whylen, "'%s' refused a slot for '%s': %s%s%s",
		    u->jid, name, xt_error_condition(r), text ? ": " : "",
		    text ? text : "");
		xmpp_stanza_release(r);
		return XT_NEGATIVE;
	}
	sl = xmpp_stanza_get_child_by_ns(r, NS_UPLOAD);
	put = sl ? xmpp_stanza_get_child_by_name(sl, "put") : NULL;
	get = sl ? xmpp_stanza_get_child_by_name(sl, "get") : NULL;
	if (put == NULL || get == NULL ||
	    xmpp_stanza_get_attribute(put, "url") == NULL ||
	    xmpp_stanza_get_attribute(get, "url") == NULL) {
		snprintf(why, whylen, "'%s' gave a slot for '%s' without its "
		    "URLs", u->jid, name);
		xmpp_stanza_release(r);
		return XT_NEGATIVE;
	}
	slot->put = xt_strdup(xmpp_stanza_get_attribute(put, "url"));
	slot->get = xt_strdup(xmpp_stanza_get_attribute(get, "url"));
	slot->headers = xt_grow(NULL, 0, sizeof(char *));
	slot->headers[0] = NULL;
	for (c = xmpp_stanza_get_children(put); c; c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_tag(c) || strcmp(xmpp_stanza_get_name(c),
		    "header") != 0 || (hn = xmpp_stanza_get_attribute(c,
		    "name")) == NULL || !allowed_header(hn) || nh >= 8)
			continue;
		hv = xt_stanza_text(c);
		/* A header value is one line: nothing may add another. */
		hv[strcspn(hv, "\r\n")] = '\0';
		slot->headers = xt_grow(slot->headers, nh + 1,
		    sizeof(char *));
		if (asprintf(&slot->headers[nh], "%s: %s", hn, hv) < 0)
			xt_die(XT_SOFTWARE, "out of memory");
		slot->headers[++nh] = NULL;
		free(hv);
	}
	xmpp_stanza_release(r);
	return 0;
}

void
xt_upload_slot_free(struct xt_upload_slot *slot)
{
	size_t i;

	free(slot->put);
	free(slot->get);
	for (i = 0; slot->headers != NULL && slot->headers[i] != NULL; i++)
		free(slot->headers[i]);
	free(slot->headers);
	memset(slot, 0, sizeof(*slot));
}

const char *
xt_content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} map[] = {
		{ "png", "image/png" }, { "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" }, { "gif", "image/gif" },
		{ "webp", "image/webp" }, { "svg", "image/svg+xml" },
		{ "bmp", "image/bmp" }, { "ico", "image/vnd.microsoft.icon" },
		{ "pdf", "application/pdf" }, { "txt", "text/plain" },
		{ "log", "text/plain" }, { "csv", "text/csv" },
		{ "md", "text/markdown" }, { "html", "text/html" },
		{ "htm", "text/html" }, { "xml", "application/xml" },
		{ "json", "application/json" }, { "zip", "application/zip" },
		{ "gz", "application/gzip" }, { "tgz", "application/gzip" },
		{ "xz", "application/x-xz" }, { "bz2", "application/x-bzip2" },
		{ "tar", "application/x-tar" }, { "mp3", "audio/mpeg" },
		{ "ogg", "audio/ogg" }, { "opus", "audio/ogg" },
		{ "m4a", "audio/mp4" }, { "wav", "audio/wav" },
		{ "mp4", "video/mp4" }, { "webm", "video/webm" },
		{ "mkv", "video/x-matroska" }, { "mov", "video/quicktime" },
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strcasecmp(dot + 1, map[i].ext) == 0)
				return map[i].type;
	return "application/octet-stream";
}

/* ---- the files ---- */

/* Standard input into a private file: the slot needs the size first. */
static int
copy_stdin(struct xt_upload_file *f, char *why, size_t whylen)
{
	char path[4096], buf[65536];
	const char *dir = getenv("TMPDIR");
	unsigned long long total = 0;
	ssize_t n, w, off;
	int fd;

	snprintf(path, sizeof(path), "%s/xmpp-send.XXXXXX", dir && *dir ?
	    dir : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		snprintf(why, whylen, "cannot make a temporary file for "
		    "standard input in '%s': %s", dir && *dir ? dir : "/tmp",
		    xt_strerror(errno));
		return XT_IOERR;
	}
	/* Nobody else sees it, and it goes with us. */
	unlink(path);
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, whylen, "cannot read standard input: %s",
			    xt_strerror(errno));
			close(fd);
			return XT_IOERR;
		}
		if ((total += (unsigned long long)n) > XT_UPLOAD_STDIN_MAX) {
			snprintf(why, whylen, "standard input is larger than "
			    "%llu GiB, the most --attach - takes",
			    XT_UPLOAD_STDIN_MAX >> 30);
			close(fd);
			return XT_NOINPUT;
		}
		for (off = 0; off < n; off += w)
			if ((w = write(fd, buf + off, n - off)) < 0 &&
			    errno != EINTR) {
				snprintf(why, whylen, "cannot write the "
				    "temporary file for standard input: %s",
				    xt_strerror(errno));
				close(fd);
				return XT_IOERR;
			} else if (w < 0) {
				w = 0;
			}
	}
	f->fd = fd;
	f->size = total;
	return 0;
}

int
xt_upload_open(struct xt_upload_file *f, const char *path, char *why,
    size_t whylen)
{
	struct stat st;
	const char *base;
	int status;

	memset(f, 0, sizeof(*f));
	f->path = path;
	f->fd = -1;
	if (strcmp(path, "-") == 0) {
		f->name = "stdin";
		return copy_stdin(f, why, whylen);
	}
	base = strrchr(path, '/');
	f->name = base ? base + 1 : path;
	if ((f->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(why, whylen, "cannot read '%s': %s", path,
		    xt_strerror(errno));
		return XT_NOINPUT;
	}
	if ((status = fstat(f->fd, &st)) != 0 || !S_ISREG(st.st_mode)) {
		/* A FIFO or a device has no size for the slot: --attach -
		 * copies such input first. */
		snprintf(why, whylen, "cannot read '%s': %s", path,
		    status != 0 ? xt_strerror(errno) : S_ISDIR(st.st_mode) ?
		    "it is a directory" : "not a regular file (give it as "
		    "--attach - on standard input)");
		close(f->fd);
		f->fd = -1;
		return XT_NOINPUT;
	}
	if (*f->name == '\0') {
		snprintf(why, whylen, "cannot read '%s': no file name", path);
		close(f->fd);
		f->fd = -1;
		return XT_NOINPUT;
	}
	f->size = (unsigned long long)st.st_size;
	return 0;
}

/* The XMPP session while libcurl sends: pings answered, input read. */
static void
keep_session(void *arg)
{
	xmpp_run_once(xt_session_ctx(arg), 0);
}

int
xt_upload_check(const struct xt_upload_service *u,
    const struct xt_upload_file *f, char *why, size_t whylen)
{
	char a[32], b[32];

	if (u->max == 0 || f->size <= u->max)
		return 0;
	xt_size(f->size, a, sizeof(a));
	xt_size(u->max, b, sizeof(b));
	/* Just over: the rounded sizes would read the same. */
	if (strcmp(a, b) == 0) {
		snprintf(a, sizeof(a), "%llu bytes", f->size);
		snprintf(b, sizeof(b), "%llu bytes", u->max);
	}
	snprintf(why, whylen, "'%s' is %s, larger than the %s that '%s' "
	    "accepts", f->path, a, b, u->jid);
	return XT_NEGATIVE;
}

int
xt_upload_send(struct xt_session *s, const struct xt_upload_service *u,
    struct xt_upload_file *f, double deadline, char *why, size_t whylen)
{
	struct xt_upload_slot slot;
	struct xt_http_put p;
	char sz[32];
	double t0 = xt_now();
	int status;

	if ((status = xt_upload_check(u, f, why, whylen)) != 0)
		return status;
	if ((status = xt_upload_slot(s, u, f->name, f->size, f->type, &slot,
	    why, whylen)) != 0)
		return status;
	/* In the clear, anyone on the path reads the file. */
	if (!xt_opt.insecure && strncasecmp(slot.put, "https://", 8) != 0) {
		snprintf(why, whylen, "'%s' offers a plain http:// slot for "
		    "'%s'; refusing (--insecure allows it)", u->jid, f->path);
		xt_upload_slot_free(&slot);
		return XT_NEGATIVE;
	}
	memset(&p, 0, sizeof(p));
	p.url = slot.put;
	p.fd = f->fd;
	p.size = f->size;
	p.content_type = f->type;
	p.headers = (const char *const *)slot.headers;
	p.what = f->path;
	p.deadline = deadline;
	p.idle = keep_session;
	p.idle_arg = s;
	if ((status = xt_http_put(&p)) != 0) {
		snprintf(why, whylen, "%s", p.why);
		xt_upload_slot_free(&slot);
		return status;
	}
	f->url = xt_strdup(slot.get);
	xt_info(1, "uploaded '%s' (%s) in %.1f s: %s", f->path, xt_size(
	    f->size, sz, sizeof(sz)), xt_now() - t0, f->url);
	xt_upload_slot_free(&slot);
	return 0;
}

void
xt_upload_close(struct xt_upload_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->url);
	f->url = NULL;
}
