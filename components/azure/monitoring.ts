/**
 * Security alerting: an action group that e-mails the platform team, and one scheduled query rule
 * per audit-log signal in `audit-queries.ts`.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import type { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";
import { auditAlerts } from "./audit-queries";

export interface MonitoringArgs {
  /** Explicit azure-native provider (no default provider). */
  provider: AzureProvider;
  /** Resource group of the action group and alert rules (the cluster's). */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the alert rules (the workspace's). */
  location: string;
  /** Log Analytics workspace that receives the cluster's audit log; the rules query it. */
  workspaceId: pulumi.Input<string>;
  /**
   * The diagnostic setting that feeds the audit log into the workspace (`Cluster.auditLogSetting`).
   * The rules are created after it, so their queries validate against a workspace being fed.
   * Default none (the workspace is fed already).
   */
  auditLogSetting?: pulumi.Resource;
  /**
   * E-mail receivers of the security action group. Default none: the rules still fire and show in
   * Azure Monitor, but nobody is notified (configuration requires a receiver in production).
   */
  alertEmails?: string[];
  /** The aad-pod-identity namespace whose exec and identity objects are watched. */
  identityNamespace: string;
  /** Alert severity, 0 (critical) to 4. Default 1. */
  severity?: number;
  /** How often the rules run and the window they look at (ISO 8601). Default `PT5M`. */
  evaluationFrequency?: string;
  /** Tags on every Azure resource. Default none. */
  tags?: Record<string, string>;
}

/** The action group's short name: at most 12 characters (Azure limit), derived from the name. */
export function actionGroupShortName(name: string): string {
  return `sec-${name}`.slice(0, 12);
}

export class Monitoring extends pulumi.ComponentResource {
  /** The security action group, absent when there are no receivers. */
  public readonly actionGroupId?: pulumi.Output<string>;
  /** Alert rule IDs by alert key. */
  public readonly alertRuleIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aks-hardening:azure:Monitoring", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const frequency = args.evaluationFrequency ?? "PT5M";

    const emails = args.alertEmails ?? [];
    const actionGroup =
      emails.length === 0
        ? undefined
        : new monitor.ActionGroup(
            `${name}-security`,
            {
              resourceGroupName: args.resourceGroupName,
              actionGroupName: `ag-${name}-security`,
              groupShortName: actionGroupShortName(name),
              location: "Global",
              enabled: true,
              emailReceivers: emails.map((emailAddress, i) => ({
                name: `email-${i}`,
                emailAddress,
                useCommonAlertSchema: true,
              })),
              tags: args.tags,
            },
            child,
          );

    this.alertRuleIds = {};
    for (const alert of auditAlerts(args.identityNamespace)) {
      const rule = new monitor.ScheduledQueryRule(
        `${name}-${alert.key}`,
        {
          resourceGroupName: args.resourceGroupName,
          ruleName: `${name}-${alert.key}`,
          location: args.location,
          kind: "LogAlert",
          displayName: alert.displayName,
          description: alert.description,
          enabled: true,
          severity: args.severity ?? 1,
          scopes: [args.workspaceId],
          evaluationFrequency: frequency,
          windowSize: frequency,
          // Each event matters on its own: fire on any row, never auto-resolve silently.
          criteria: {
            allOf: [
              {
                query: alert.query,
                timeAggregation: "Count",
                operator: "GreaterThan",
                threshold: 0,
                failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
              },
            ],
          },
          autoMitigate: false,
          actions: { actionGroups: actionGroup ? [actionGroup.id] : [] },
          tags: args.tags,
        },
        { ...child, dependsOn: args.auditLogSetting ? [args.auditLogSetting] : [] },
      );
      this.alertRuleIds[alert.key] = rule.id;
    }

    this.actionGroupId = actionGroup?.id;
    this.registerOutputs({ actionGroupId: this.actionGroupId, alertRuleIds: this.alertRuleIds });
  }
}
