# The cache in front of the CMS: Varnish 7 with varnish-modules (xkey, accept).
# docs/edge.md explains each rule; tests/edge/test_varnish.py runs this file against a real
# varnishd. Edit the backend and the purgers for your deployment; run the origin with
# NUM_PROXIES=1 (it reads the reader's address from X-Forwarded-For) and
# EDGE_PURGE_BACKEND=varnish, EDGE_PURGE_URLS=http://<this varnish>/.
vcl 4.1;

import accept;
import std;
import var;
import xkey;

backend origin {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    # The reader's shell: no database, never throttled.
    .probe = {
        .url = "/read/en/";
        .interval = 1s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
    }
}

# Who may purge: the CMS's workers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    # The supported languages (settings.LANGUAGES), the default first.
    new languages = accept.rule("en");
    languages.add("nl");
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from this address."));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the surrogate keys to purge in xkey-purge."));
        }
        # Soft: a purged answer stays as a stale copy for when the origin is sick.
        set req.http.X-Purged = xkey.softpurge(req.http.xkey-purge);
        # The last publication purged: an answer built before it may be one just purged.
        if (std.integer(req.http.xkey-position, 0) > std.integer(var.global_get("purged"), 0)) {
            var.global_set("purged", req.http.xkey-position);
        }
        return (synth(200, "Purged " + req.http.X-Purged + " objects."));
    }
    # While the origin is healthy a purged or expired answer is fetched afresh at once
    # (readers asking meanwhile wait for that one fetch); while it is sick, readers get the
    # stale answer for up to a day rather than an error.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    } else {
        set req.grace = 24h;
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin, previews (of an entry or of a release) and the change feed are never cached
    # (their cookies and tokens reach the origin untouched).
    if (req.url ~ "^/admin/" || req.url ~ "^/api/v1/changes/"
        || req.url ~ "[?&]preview=" || req.url ~ "previewToken" || req.url ~ "[?&]release=") {
        return (pass);
    }
    # A partner's API key: the origin checks it and counts the request against the key's
    # budget; the answer is the same as anyone's, so it neither fragments nor fills the cache.
    if (req.http.Authorization) {
        return (pass);
    }
    # Public answers read no cookies.
    unset req.http.Cookie;
    # One variant per supported language, not per Accept-Language header sent.
    set req.http.Accept-Language = languages.filter(req.http.Accept-Language);
    set req.url = std.querysort(req.url);
    return (hash);
}

sub vcl_backend_response {
    # Cached only what the origin marks for a cache in front (Surrogate-Control), and never
    # a 429, a private or no-store answer, or one that sets a cookie.
    if (!beresp.http.Surrogate-Control
        || beresp.status == 429
        || beresp.http.Cache-Control ~ "(private|no-store)"
        || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
    # An answer built before the last purged publication (fetched while it committed) is
    # passed on but not kept: it may show what that purge removed.
    if (beresp.http.X-Publication-Position
        && std.integer(beresp.http.X-Publication-Position, 0)
            < std.integer(var.global_get("purged"), 0)) {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
    set beresp.ttl = std.duration(
        regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1") + "s", 0s);
    set beresp.grace = 24h;
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    unset beresp.http.Surrogate-Control;
    if (beresp.http.Content-Type ~ "(json|html|xml|text)") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_backend_error {
    # The origin did not answer (a node restarting or gone, before its probe says so): a
    # read is tried once more, by a director on the next healthy node. Never a write.
    if (bereq.retries < 1 && bereq.method ~ "^(GET|HEAD)$") {
        return (retry);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
    unset resp.http.X-Publication-Position;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
