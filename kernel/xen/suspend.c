/* suspend.c: save/restore, checkpoint and live migration of a PV DomU: the
 * guest's half of `xl save`, `xl save -c`, `xl restore` and `xl migrate`. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/pvboot.h"
#include "pv/pvcalls.h"
#include "xen/domu.h"
#include "xen/xen_pv.h"
#include "xen/xenbus.h"

#define FLUSH_MS 1000u /* for xenconsoled to read what we said before */

static struct {
	unsigned long resumes, checkpoints, failures;
} sp;

/*
 * The start_info page Xen gave us: the toolstack reads its frame from rdx
 * at SHUTDOWN_suspend and writes the new domain's start_info into it, so
 * store and console go in it by pfn (frames do not survive a move).
 */
static struct start_info *start_page(void)
{
	return phys_to_virt(xen_start_info_pa);
}

static void start_info_canonical(int canonical)
{
	struct start_info *si = start_page();
	const struct start_info *ours = &xen_start_info;

	si->store_mfn = canonical ? xen_mfn_to_pfn(ours->store_mfn) :
				    ours->store_mfn;
	si->console.domU.mfn = canonical ?
		xen_mfn_to_pfn(ours->console.domU.mfn) : ours->console.domU.mfn;
}

/*
 * Quiesced (events masked, no tick, console flushed, shared_info ours
 * again), then SCHEDOP_shutdown(SHUTDOWN_suspend) with the start_info
 * frame.  Returns 0 when resumed in a new domain, 1 when the toolstack
 * cancelled (a checkpoint: the same domain carries on), or -errno.
 */
static long suspend_hypercall(void)
{
	struct sched_shutdown sd = { .reason = SHUTDOWN_suspend };
	unsigned long si_mfn = xen_pfn_to_mfn(xen_start_info_pa >> 12);
	long r;

	xen_timer_stop();
	start_info_canonical(1);
	if (xen_shared_info_unmap())
		return -PV_EFAULT;
	r = HYPERVISOR_suspend(&sd, si_mfn);
	if (r == 0)
		memcpy(&xen_start_info, start_page(), sizeof(xen_start_info));
	else
		start_info_canonical(0);
	/* shared_info of start_info: the new domain's one, or the old. */
	if (xen_shared_info_map())
		xen_domu_leave(SHUTDOWN_crash, "suspend: cannot map shared_info");
	/* a new domain's vCPU uses shared_info's vcpu_info again */
	if (r == 0 && xen_vcpu_place(0))
		xen_domu_leave(SHUTDOWN_crash, "suspend: cannot place vcpu_info");
	xen_vcpu->evtchn_upcall_mask = 1;
	return r;
}

/*
 * What the new domain needs before anything runs: event channels gone
 * (each owner binds again), the p2m's frame lists for the next save,
 * the tick, the console ring.  The store comes last: its requests wait
 * on events.
 */
static void resume_new_domain(void)
{
	int err;

	xen_evtchn_resume();
	if ((err = xen_p2m_publish()))
		printk("suspend: p2m frame lists: error %d (the next xl save "
		       "will fail)\n", err);
	if ((err = xen_timer_resume(1)))
		printk("suspend: timer: error %d\n", err);
	if ((err = xen_cons_ring_resume()))
		printk("suspend: console ring: error %d\n", err);
}

static void report(long r, unsigned long long ms)
{
	unsigned long domid = ~0ul;
	uint64_t hash = 0;
	struct pv_summary boot;
	int err = pvboot_hash_text(&hash);

	pvboot_summary(&boot);
	(void)xenbus_read_ul(XENBUS_NO_TX, "domid", &domid);
	if (r == 0)
		printk("suspend: resumed in a new domain (domid %ld) after %llu "
		       "ms, wall clock %llu s, %lu resumes\n", (long)domid, ms,
		       (unsigned long long)xen_wallclock_s(), sp.resumes);
	else
		printk("suspend: checkpoint done, carrying on in domain %ld "
		       "after %llu ms, %lu checkpoints\n", (long)domid, ms,
		       sp.checkpoints);
	printk("suspend: text hash %016llx, %s\n", (unsigned long long)hash,
	       err ? "cannot be computed" :
	       hash == boot.text_hash ? "unchanged since boot" :
				      "CHANGED since boot");
}

/* control/shutdown = suspend.  0: carried on (new domain or the same). */
int xen_suspend(void)
{
	unsigned long long t0 = pv_sched_clock();
	unsigned long fl;
	long r;
	int err;

	/* A new domain would have every vCPU's vcpu_info, ports and timer to
	 * set up again; only vCPU 0's are (issue 17 left the rest out). */
	if (smp_nr_cpus() > 1) {
		sp.failures++;
		printk("suspend: refused: %u vCPUs online; xl vcpu-set to 1 "
		       "first\n", smp_nr_cpus());
		return 0;
	}
	printk("suspend: quiescing (xl save / xl migrate)\n");
	(void)xen_cons_ring_flush(FLUSH_MS);
	fl = pv_irq_save();
	r = suspend_hypercall();
	if (r == 0)
		resume_new_domain();
	else if ((err = xen_timer_resume(0)))
		printk("suspend: timer: error %d\n", err);
	pv_irq_restore_fl(fl);
	if (r < 0) {
		sp.failures++;
		printk("suspend: SHUTDOWN_suspend failed: error %ld; carrying "
		       "on\n", r);
		return 0;
	}
	if (r == 0 && (err = xenbus_resume()))
		printk("suspend: xenstore: error %d\n", err);
	if (r == 0)
		sp.resumes++;
	else
		sp.checkpoints++;
	report(r, (pv_sched_clock() - t0) / 1000000ull);
	return 0;
}

static int cmd_uptime(int argc, char **argv)
{
	(void)argc, (void)argv;
	printk("uptime: boot_s=%llu resumes=%lu checkpoints=%lu\n",
	       pv_sched_clock() / 1000000000ull, sp.resumes, sp.checkpoints);
	return 0;
}

static const struct cmdloop_cmd uptime_cmd = {
	"uptime", "", "seconds since boot (pvclock), resumes, checkpoints",
	cmd_uptime,
};

/* The p2m's frame lists (xl save reads them) and `uptime`. */
int xen_suspend_init(void)
{
	int err = xen_p2m_publish();

	(void)cmdloop_register(&uptime_cmd);
	if (err)
		printk("suspend: p2m frame lists: error %d: xl save will "
		       "fail\n", err);
	return err;
}
