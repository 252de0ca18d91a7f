/* bench/onednn_stub.c — the oneDNN peer when the bench is built without oneDNN: every call says so. */
#include <stdio.h>
#include "onednn_peer.h"

const char *rb_onednn_available(void)
{
    return "built without oneDNN (install libdnnl-dev and reconfigure)";
}

const char *rb_onednn_version(void)
{
    return "none";
}

int rb_onednn_prepare(const rb_problem *p, const rb_weights *w, int int8, rb_onednn **out, char *why, size_t whylen)
{
    (void)p;
    (void)w;
    (void)int8;
    *out = NULL;
    snprintf(why, whylen, "%s", rb_onednn_available());
    return -1;
}

int rb_onednn_run(rb_onednn *o, const float *x, float *y, int threads)
{
    (void)o;
    (void)x;
    (void)y;
    (void)threads;
    return -1;
}

void rb_onednn_release(rb_onednn *o)
{
    (void)o;
}

void rb_onednn_threads(int threads)
{
    (void)threads;
}
