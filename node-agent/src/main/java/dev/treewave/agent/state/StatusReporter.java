package dev.treewave.agent.state;

/**
 * Publishes the agent's report (to the node's OSNode status). May fail (the API server is away);
 * the agent then reports again on its next pass, and since a report is rebuilt from durable state,
 * nothing is lost.
 */
@FunctionalInterface
public interface StatusReporter {

  void report(NodeReport report) throws Exception;
}
