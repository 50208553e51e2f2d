/**
 * The attribute names SideFX documents for the HQueue query methods, transcribed from the "12 Python API" reference
 * (../shared/reference/seeds/002_8409eb1e6f046a3c.txt, "Here are the list of attributes" under getClients,
 * getClientGroups and getJobs). The HQueue stand-in serves exactly these and nothing else; the attribute-fidelity
 * test checks that the helper requests and reads nothing outside them.
 */

/** getClients / getClient / getClientsByHostname / getClientByHostname. */
export const DOCUMENTED_CLIENT_ATTRIBS = [
  "available", "availabilityRules", "cpus", "cpuSpeed", "disabled", "groups", "hostname", "id", "idleTime", "ip",
  "lastHeartbeat", "latestNote", "load", "memory", "needsUpgrade", "platform", "runningJobs", "threadId", "version",
] as const;

/** getClientGroups. */
export const DOCUMENTED_GROUP_ATTRIBS = ["clients", "id", "name"] as const;

/** getJobs / getJob. */
export const DOCUMENTED_JOB_ATTRIBS = [
  "availabilityRules", "children", "clients", "clientsOnHold", "conditions", "endTime", "ETA", "id", "logs", "name",
  "latestNote", "overallProgress", "parents", "priority", "progress", "queueTime", "startTime", "status", "threadId",
  "tags", "uiStatus",
] as const;

/** The documented values of a job's `status` (getJobs, "Possible values of this attribute are …"). */
export const DOCUMENTED_JOB_STATUSES = [
  "abandoned", "cancelled", "failed", "paused", "pausing", "resuming", "running", "succeeded", "runnable", "queued",
] as const;
