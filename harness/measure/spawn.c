/* harness/measure/spawn.c -- other programs (interpreters, gnuplot,
 * hyperfine), started with an argument vector, never a shell string,
 * so that any path works. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "measure.h"


int
run_command(char *const *argv, int err_fd)
{
    return run_command_in(NULL, argv, err_fd);
}

/* The child's side: stdout to out_fd (or /dev/null), stderr to err_fd
 * (left alone if negative, /dev/null if -2), in dir, then argv. */
static pid_t
spawn(const char *dir, char *const *argv, int out_fd, int err_fd)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid != 0) {
        return pid;
    }
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(out_fd >= 0 ? out_fd : null, 1);
        if (err_fd == -2) {
            dup2(null, 2);
        }
    }
    if (err_fd >= 0) {
        dup2(err_fd, 2);
    }
    if (dir != NULL && chdir(dir) != 0) {
        _exit(126);
    }
    execvp(argv[0], argv);
    _exit(127);
}

static int
exit_status(pid_t pid)
{
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) {
        return -1;
    }
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

char *
run_capture(char *const *argv, int *status)
{
    int fds[2];
    *status = -1;
    if (pipe(fds) != 0) {
        return NULL;
    }
    pid_t pid = spawn(NULL, argv, fds[1], -2);
    close(fds[1]);
    FILE *f = pid > 0 ? fdopen(fds[0], "r") : NULL;
    char *out = f != NULL ? gc_read_stream(f, NULL) : NULL;
    if (f != NULL) {
        fclose(f);
    }
    else {
        close(fds[0]);
    }
    *status = exit_status(pid);
    return out;
}

int
run_command_in(const char *dir, char *const *argv, int err_fd)
{
    return exit_status(spawn(dir, argv, -1, err_fd));
}
