/** The agent's health and metrics endpoint. */
package dev.treewave.agent.http;
