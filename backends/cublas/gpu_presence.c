/* backends/cublas/gpu_presence.c — NVIDIA device nodes and kernel driver, looked up without CUDA (see
 * gpu_presence.h). */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "gpu_presence.h"

static int is_device_node_name(const char *name)
{
    if (strcmp(name, "dxg") == 0)
        return 1; /* WSL 2: CUDA reaches the GPU through /dev/dxg */
    return strncmp(name, "nvidia", 6) == 0 && isdigit((unsigned char)name[6]);
}

int rb_gpu_present(const char *dev_dir, const char *proc_driver, char *why, size_t len)
{
    DIR *d = opendir(dev_dir);
    if (d) {
        struct dirent *e;
        int found = 0;
        while (!found && (e = readdir(d)) != NULL)
            found = is_device_node_name(e->d_name);
        closedir(d);
        if (found)
            return 1;
    }
    struct stat sb;
    if (stat(proc_driver, &sb) == 0)
        snprintf(why, len, "no NVIDIA GPU found (no %s/nvidia*; the NVIDIA driver is loaded (%s) but no device node "
                           "is visible here, e.g. a container started without the GPU)", dev_dir, proc_driver);
    else
        snprintf(why, len, "no NVIDIA GPU found (no %s/nvidia*)", dev_dir);
    return 0;
}

void rb_gpu_driver_version(const char *proc_driver, char *out, size_t len)
{
    char path[512], line[256];
    out[0] = 0;
    snprintf(path, sizeof path, "%s/version", proc_driver);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(line, sizeof line, f)) {
        /* "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 ...": the first word that starts
         * with a digit and holds a '.' */
        char *save = NULL;
        for (char *w = strtok_r(line, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
            if (isdigit((unsigned char)w[0]) && strchr(w, '.')) {
                snprintf(out, len, "%s", w);
                break;
            }
    }
    fclose(f);
}
