/**
 * The agent's settings from flags and environment variables, with one-line errors for bad values.
 */
package dev.treewave.agent.config;
