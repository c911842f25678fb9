/* hotplug.c: vCPU hotplug of a PV DomU: `xl vcpu-set DOM N` writes
 * cpu/ID/availability ("online"/"offline"); a watch brings vCPUs up or down. */
#include "core/kernel.h"
#include "smp/smp.h"
#include "xen/xen_pv.h"
#include "xen/xenbus.h"

unsigned xen_vcpus = 1;

/*
 * Whether vCPU id should run: 1 if the store says "online", 0 if it says
 * anything else.  Without a store (Dom0) or the key, every vCPU runs, as
 * the domain was built with it.
 */
int xen_vcpu_wanted(unsigned id)
{
	char path[32], v[16];

	if (!xenbus_connected())
		return 1;
	snprintf(path, sizeof(path), "cpu/%u/availability", id);
	if (xenbus_read(XENBUS_NO_TX, path, v, sizeof(v)) < 0)
		return 1;
	return !strcmp(v, "online");
}

/* Each vCPU as the store wants it; vCPU 0 always runs. */
static void cpu_watch(struct xenbus_watch *w, const char *path)
{
	(void)w, (void)path;
	for (unsigned id = 1; id < xen_vcpus; id++) {
		int want = xen_vcpu_wanted(id), on = smp_percpu[id].online;
		unsigned long long t0 = xen_sched_clock();
		int err;

		if (want == on)
			continue;
		err = want ? xen_vcpu_up(id) : xen_vcpu_down(id);
		printk("xen: vCPU %u %s%s in %llu us (%u online)\n", id,
		       want ? "up" : "down", err ? " failed" : "",
		       (xen_sched_clock() - t0) / 1000, smp_nr_cpus());
		if (err)
			printk("xen: vCPU %u: error %d\n", id, err);
	}
}

static struct xenbus_watch cpu_watch_w = { .path = "cpu", .fn = cpu_watch };

/* A DomU with more than one possible vCPU watches cpu/ (Dom0: no store). */
void xen_hotplug_init(void)
{
	int err;

	if (xen_vcpus < 2 || !xenbus_connected())
		return;
	err = xenbus_watch_add(&cpu_watch_w);
	if (err)
		printk("xen: hotplug: cannot watch cpu/ (%s, %d)\n",
		       xenbus_errname(err), err);
	else
		printk("xen: hotplug: watching cpu/ for %u vCPUs\n",
		       xen_vcpus);
}
