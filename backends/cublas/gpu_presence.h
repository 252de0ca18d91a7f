/* backends/cublas/gpu_presence.h — is there an NVIDIA GPU at all? Looked up in the device nodes and the kernel
 * driver's /proc entry before CUDA is asked, so "no GPU" is said plainly and a CUDA driver/runtime mismatch is only
 * reported where a device exists. Plain C (no CUDA): tested on every machine. */
#ifndef RB_GPU_PRESENCE_H
#define RB_GPU_PRESENCE_H

#include <stddef.h>

#define RB_GPU_DEV_DIR "/dev"
#define RB_GPU_PROC_DRIVER "/proc/driver/nvidia"

/* 1 when dev_dir holds an NVIDIA device node (nvidia0, nvidia1, ...; or WSL's dxg, through which CUDA reaches the
 * GPU there); 0 otherwise, with the reason in why: "no NVIDIA GPU found (no /dev/nvidia*)", plus a note when the
 * driver's proc_driver directory exists without device nodes. */
int rb_gpu_present(const char *dev_dir, const char *proc_driver, char *why, size_t len);

/* The kernel driver's version from proc_driver/version ("535.104.05"), or "" when it cannot be read. */
void rb_gpu_driver_version(const char *proc_driver, char *out, size_t len);

#endif
