/**
 * The agent's journalled state machine: pull, verify, stage, reboot and boot checks, decided from
 * host facts and the instruction only, with no Kubernetes types, so a crash at any step is replayed
 * from the journal.
 */
package dev.treewave.agent.state;
