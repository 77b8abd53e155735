/** A live table of jobs for a terminal: redrawn in place on a TTY, one line per change otherwise. */
const BAR = 20;

function bar(progress) {
  const filled = Math.round(progress * BAR);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]`;
}

function line(job) {
  const status = job.status.padEnd(10);
  const note = job.error ? ` ${job.error}` : job.queuePosition ? ` #${job.queuePosition} in queue` : '';
  return `${job.jobType.padEnd(24)} ${status} ${bar(job.progress)} ${String(Math.round(job.progress * 100)).padStart(3)}%${note}`;
}

export function createJobTable(stream = process.stdout) {
  const tty = Boolean(stream.isTTY);
  const last = new Map();
  let drawn = 0;
  return {
    update(jobs) {
      if (tty) {
        if (drawn > 0) stream.write(`\x1b[${drawn}A`);
        for (const job of jobs) stream.write(`\x1b[2K${line(job)}\n`);
        drawn = jobs.length;
        return;
      }
      for (const job of jobs) {
        const text = line(job);
        if (last.get(job.id) !== text) stream.write(`${text}\n`);
        last.set(job.id, text);
      }
    },
  };
}
