package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// residency is a process's resident memory, in MiB: all of it (VmRSS), its
// anonymous part (heap, stacks, the runtime's own) and its file pages (the
// executable's code and read-only data, mapped on demand).
type residency struct {
	total, anon, file float64
}

// residentMemory reads the resident memory of process pid.
func residentMemory(pid int) (residency, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return residency{}, fmt.Errorf("proc status: %w", err)
	}
	defer f.Close()
	fields := map[string]*float64{}
	var r residency
	fields["VmRSS"], fields["RssAnon"], fields["RssFile"] = &r.total, &r.anon, &r.file
	found := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		dst := fields[name]
		if !ok || dst == nil {
			continue
		}
		kib, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
		if err != nil {
			return residency{}, fmt.Errorf("%s %q: %w", name, rest, err)
		}
		*dst = kib / 1024
		found++
	}
	if found != len(fields) {
		return residency{}, fmt.Errorf("proc status of %d: VmRSS, RssAnon or RssFile missing", pid)
	}
	return r, nil
}

// rssMiB reads the resident memory (VmRSS) of process pid, in MiB.
func rssMiB(pid int) (float64, error) {
	r, err := residentMemory(pid)
	return r.total, err
}

// evictPageCache drops the files at paths from the page cache, so that the
// next start reads them back from disk. How an executable's pages came into
// the cache changes what its processes cost: pages the linker (or a copy)
// has just written sit in large folios, which a page fault maps whole, and
// pages read back from disk in smaller ones, which take more faults. The
// same Clara executable idles at 46–48 MiB just built and 39–41 MiB read
// back, and starts in about 10 ms just built and 14–15 ms read back.
func evictPageCache(paths ...string) error {
	for _, path := range paths {
		if err := evictFile(path); err != nil {
			return fmt.Errorf("evict %s: %w", path, err)
		}
	}
	return nil
}

// evictFile drops one file from the page cache.
func evictFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil { // dirty pages can't be dropped
		return fmt.Errorf("sync: %w", err)
	}
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		return fmt.Errorf("fadvise: %w", err)
	}
	return nil
}
