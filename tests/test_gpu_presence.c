/* tests/test_gpu_presence.c — "is there an NVIDIA GPU?" without CUDA (backends/cublas/gpu_presence.c) on fake /dev
 * and /proc/driver/nvidia trees: only nvidia<N> (or WSL's dxg) counts as a device, the reason says "no NVIDIA GPU
 * found (no /dev/nvidia*)" and notes a loaded driver, the driver version is read from its proc file. Built with
 * CUDA on a machine without a device node, the cublas and cudnn probes must give exactly that reason (not a CUDA
 * driver/runtime version error). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "backend.h"
#include "check_main.h"
#include "gpu_presence.h"

static char root[512];

static void make_dir(const char *rel)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    mkdir(p, 0755);
}

static void make_file(const char *rel, const char *text)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void fresh_root(const char *name)
{
    snprintf(root, sizeof root, "%s/gpu_presence_%s_%d", RB_TEST_TMPDIR, name, (int)getpid());
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(mkdir(root, 0755), 0);
    make_dir("dev");
}

static int present(char *why, size_t len)
{
    char dev[1024], proc[1024];
    snprintf(dev, sizeof dev, "%s/dev", root);
    snprintf(proc, sizeof proc, "%s/proc_nvidia", root);
    why[0] = 0;
    return rb_gpu_present(dev, proc, why, len);
}

START_TEST(no_device_nodes)
{
    char why[RB_MSG_MAX], want[RB_MSG_MAX + 600];
    fresh_root("none");
    ck_assert_int_eq(present(why, sizeof why), 0);
    snprintf(want, sizeof want, "no NVIDIA GPU found (no %s/dev/nvidia*)", root);
    ck_assert_str_eq(why, want);
    /* control and UVM nodes exist without any GPU in some containers: they are not a device */
    make_file("dev/nvidiactl", "");
    make_file("dev/nvidia-uvm", "");
    make_file("dev/nvidia-modeset", "");
    ck_assert_int_eq(present(why, sizeof why), 0);
    ck_assert_str_eq(why, want);
    /* the driver is loaded, the device nodes are not visible */
    make_dir("proc_nvidia");
    ck_assert_int_eq(present(why, sizeof why), 0);
    ck_assert_ptr_nonnull(strstr(why, "no NVIDIA GPU found (no "));
    ck_assert_ptr_nonnull(strstr(why, "the NVIDIA driver is loaded"));
}
END_TEST

START_TEST(device_nodes)
{
    char why[RB_MSG_MAX];
    fresh_root("nvidia0");
    make_file("dev/nvidia0", "");
    ck_assert_int_eq(present(why, sizeof why), 1);
    fresh_root("nvidia3");
    make_file("dev/nvidia3", "");
    ck_assert_int_eq(present(why, sizeof why), 1);
    fresh_root("dxg");
    make_file("dev/dxg", "");
    ck_assert_int_eq(present(why, sizeof why), 1);
}
END_TEST

START_TEST(driver_version)
{
    char v[64], proc[1024];
    fresh_root("version");
    snprintf(proc, sizeof proc, "%s/proc_nvidia", root);
    rb_gpu_driver_version(proc, v, sizeof v);
    ck_assert_str_eq(v, ""); /* no proc entry */
    make_dir("proc_nvidia");
    make_file("proc_nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 "
                                     "01:15:15 UTC 2023\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n");
    rb_gpu_driver_version(proc, v, sizeof v);
    ck_assert_str_eq(v, "535.104.05");
}
END_TEST

#ifndef RB_GPU_STUBS_ONLY
extern const rb_backend rb_backend_cublas;
extern const rb_backend rb_backend_cudnn;

/* this machine, with CUDA built in: no device node -> the plain reason, CUDA never blamed */
START_TEST(probe_without_device)
{
    char absent[RB_MSG_MAX];
    if (rb_gpu_present(RB_GPU_DEV_DIR, RB_GPU_PROC_DRIVER, absent, sizeof absent)) {
        printf("SKIP: probe_without_device: this machine has an NVIDIA device node\n");
        return;
    }
    const rb_backend *bs[2] = {&rb_backend_cublas, &rb_backend_cudnn};
    for (int i = 0; i < 2; i++) {
        rb_status why = {{0}};
        ck_assert_int_eq(bs[i]->probe(&why), -1);
        ck_assert_str_eq(why.msg, absent);
        ck_assert_ptr_null(strstr(why.msg, "driver version"));
    }
    struct stat sb;
    if (stat(RB_GPU_PROC_DRIVER, &sb) != 0)
        ck_assert_str_eq(absent, "no NVIDIA GPU found (no /dev/nvidia*)");
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("gpu_presence");
    TCase *tc = tcase_create("presence");
    tcase_add_test(tc, no_device_nodes);
    tcase_add_test(tc, device_nodes);
    tcase_add_test(tc, driver_version);
#ifndef RB_GPU_STUBS_ONLY
    tcase_add_test(tc, probe_without_device);
#endif
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
