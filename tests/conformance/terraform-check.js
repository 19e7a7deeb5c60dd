#!/usr/bin/env node
// Checks the `terraform` target's clusters (terraform/<cluster>/):
//  - every *.tf file parses as HCL (@cdktf/hcl2json: HashiCorp's own hcl/v2 parser, compiled to
//    WebAssembly);
//  - every resource type, argument and nested block (also inside `dynamic` blocks) is one the
//    yandex provider documents (SCHEMA below, written down from terraform-provider-yandex's
//    docs/resources/*.md: only the arguments a configuration may set, not the read-only ones);
//  - every `var.X` is declared, every reference to a resource names one the module declares;
//  - start.sh (minikube, kind) passes `sh -n`;
//  - with `terraform` on PATH: `terraform fmt -check` (the canonical layout).
//
//   node terraform-check.js TERRAFORM_DIR...      (e.g. out/personage/terraform)
//
// Exit 0 when every cluster passes, 1 otherwise, 2 on misuse.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { parse } = require('@cdktf/hcl2json');

// `terraform` on PATH, if any.
const TERRAFORM = (process.env.PATH || '').split(':').map((d) => path.join(d, 'terraform'))
  .find((p) => { try { fs.accessSync(p, fs.constants.X_OK); return true; } catch (e) { return false; } });

// Terraform's meta-arguments, allowed in every resource.
const META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle']);
const TIMEOUTS = { args: ['create', 'read', 'update', 'delete'] };

// The yandex provider's documented schema: per resource type its arguments (`args`) and
// nested blocks (`blocks`, each with its own args and blocks).
const SCHEMA = {
  yandex_vpc_network: {
    args: ['name', 'description', 'folder_id', 'labels'],
    blocks: { timeouts: TIMEOUTS },
  },
  yandex_vpc_subnet: {
    args: ['network_id', 'v4_cidr_blocks', 'zone', 'name', 'description', 'folder_id', 'labels',
      'route_table_id'],
    blocks: { dhcp_options: { args: ['domain_name', 'domain_name_servers', 'ntp_servers'] },
      timeouts: TIMEOUTS },
  },
  yandex_iam_service_account: {
    args: ['name', 'folder_id', 'labels', 'service_account_id'],
    blocks: { timeouts: TIMEOUTS },
  },
  yandex_resourcemanager_folder_iam_member: {
    args: ['folder_id', 'role', 'member'],
    blocks: {},
  },
  yandex_kubernetes_cluster: {
    args: ['name', 'description', 'folder_id', 'labels', 'network_id', 'cluster_ipv4_range',
      'cluster_ipv6_range', 'node_ipv4_cidr_mask_size', 'service_ipv4_range',
      'service_ipv6_range', 'service_account_id', 'node_service_account_id', 'release_channel',
      'network_policy_provider'],
    blocks: {
      kms_provider: { args: ['key_id'] },
      network_implementation: { blocks: { cilium: {} } },
      master: {
        args: ['version', 'public_ip', 'security_group_ids'],
        blocks: {
          maintenance_policy: {
            args: ['auto_upgrade'],
            blocks: { maintenance_window: { args: ['day', 'start_time', 'duration'] } },
          },
          zonal: { args: ['zone', 'subnet_id'] },
          regional: { args: ['region'], blocks: { location: { args: ['zone', 'subnet_id'] } } },
          master_location: { args: ['zone', 'subnet_id'] },
          master_logging: { args: ['enabled', 'log_group_id', 'folder_id',
            'kube_apiserver_enabled', 'cluster_autoscaler_enabled', 'events_enabled',
            'audit_enabled'] },
        },
      },
      timeouts: TIMEOUTS,
    },
  },
  yandex_kubernetes_node_group: {
    args: ['allowed_unsafe_sysctls', 'cluster_id', 'description', 'labels', 'name',
      'node_labels', 'node_taints', 'variables', 'version'],
    blocks: {
      allocation_policy: { blocks: { location: { args: ['subnet_id', 'zone'] } } },
      deploy_policy: { args: ['max_expansion', 'max_unavailable'] },
      instance_template: {
        args: ['labels', 'metadata', 'name', 'nat', 'network_acceleration_type', 'platform_id',
          'reserved_instance_pool_id'],
        blocks: {
          boot_disk: { args: ['size', 'type'] },
          container_network: { args: ['pod_mtu'] },
          container_runtime: { args: ['type'] },
          gpu_settings: { args: ['gpu_cluster_id', 'gpu_environment'] },
          network_interface: {
            args: ['ipv4', 'ipv6', 'nat', 'security_group_ids', 'subnet_ids'],
            blocks: { ipv4_dns_records: { args: ['dns_zone_id', 'fqdn', 'ptr', 'ttl'] },
              ipv6_dns_records: { args: ['dns_zone_id', 'fqdn', 'ptr', 'ttl'] } },
          },
          placement_policy: { args: ['placement_group_id'] },
          resources: { args: ['core_fraction', 'cores', 'gpus', 'memory'] },
          scheduling_policy: { args: ['preemptible'] },
        },
      },
      maintenance_policy: {
        args: ['auto_repair', 'auto_upgrade'],
        blocks: { maintenance_window: { args: ['day', 'duration', 'start_time'] } },
      },
      scale_policy: {
        blocks: { auto_scale: { args: ['initial', 'max', 'min'] },
          fixed_scale: { args: ['size'] } },
      },
      timeouts: TIMEOUTS,
      workload_identity_federation: { args: ['enabled'] },
    },
  },
};
// Arguments each block must have (the docs' **Required**).
const REQUIRED = {
  'yandex_vpc_subnet': ['network_id', 'v4_cidr_blocks', 'zone'],
  'yandex_resourcemanager_folder_iam_member': ['folder_id', 'role', 'member'],
  'yandex_kubernetes_node_group': ['cluster_id'],
  'yandex_kubernetes_node_group.scale_policy.auto_scale': ['initial', 'max', 'min'],
  'yandex_kubernetes_node_group.instance_template.container_runtime': ['type'],
  'yandex_kubernetes_node_group.instance_template.network_interface': ['subnet_ids'],
  'yandex_kubernetes_node_group.maintenance_policy': ['auto_repair', 'auto_upgrade'],
  'yandex_kubernetes_cluster.master.maintenance_policy': ['auto_upgrade'],
};

// Checks one block body (hcl2json gives a body as an object whose nested blocks are arrays of
// bodies) against its schema.
function checkBody(where, body, schema, errors, top) {
  const args = new Set(schema.args || []);
  const blocks = schema.blocks || {};
  for (const [key, value] of Object.entries(body)) {
    if (top && META.has(key)) continue;
    if (key === 'dynamic') {
      for (const [name, list] of Object.entries(value)) {
        if (!blocks[name]) { errors.push(`${where}: dynamic "${name}" is no block of it`); continue; }
        for (const d of list)
          for (const content of d.content || [])
            checkBody(`${where}.${name}`, content, blocks[name], errors, false);
      }
      continue;
    }
    if (blocks[key] && Array.isArray(value)) {
      for (const b of value) checkBody(`${where}.${key}`, b, blocks[key], errors, false);
    } else if (!args.has(key)) {
      errors.push(`${where}: \`${key}\` is not a documented argument or block`);
    }
  }
  const dynamicNames = Object.keys(body.dynamic || {});
  for (const r of REQUIRED[where.replace(/^([a-z_]+)\.[^.]+/, '$1')] || [])
    if (!(r in body) && !dynamicNames.includes(r)) errors.push(`${where}: required \`${r}\` missing`);
}

async function checkCluster(dir, errors) {
  const tfs = fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
  if (fs.existsSync(path.join(dir, 'start.sh'))) {
    try {
      execFileSync('sh', ['-n', path.join(dir, 'start.sh')], { stdio: 'pipe' });
    } catch (e) {
      errors.push(`start.sh: ${String(e.stderr).trim()}`);
    }
  }
  if (tfs.length === 0) return;
  // Terraform's own formatter, where Terraform is installed (it needs no provider): the files are
  // in its canonical layout. `terraform validate` needs the provider from its registry, which
  // this check does not reach; the schema below stands in for it.
  if (TERRAFORM) {
    try {
      execFileSync(TERRAFORM, ['fmt', '-check', '-diff', dir], { stdio: 'pipe',
        env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
    } catch (e) {
      errors.push(`terraform fmt -check: ${String(e.stdout).trim()}`);
    }
  }
  const variables = new Set();
  const resources = new Set();
  let all = '';
  for (const f of tfs) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    all += text;
    let json;
    try {
      json = await parse(f, text);
    } catch (e) {
      errors.push(`${f}: does not parse: ${e.message || e}`);
      continue;
    }
    for (const v of Object.keys(json.variable || {})) variables.add(v);
    for (const [type, byName] of Object.entries(json.resource || {})) {
      if (!SCHEMA[type]) { errors.push(`${f}: resource type ${type} is not in the provider's schema`); continue; }
      for (const [name, bodies] of Object.entries(byName)) {
        resources.add(`${type}.${name}`);
        for (const b of bodies) checkBody(`${type}.${name}`, b, SCHEMA[type], errors, true);
      }
    }
  }
  for (const m of all.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g))
    if (!variables.has(m[1])) errors.push(`var.${m[1]} is not declared`);
  for (const m of all.matchAll(/\b(yandex_[a-z_]+)\.([A-Za-z_][A-Za-z0-9_-]*)/g))
    if (!resources.has(`${m[1]}.${m[2]}`)) errors.push(`${m[1]}.${m[2]} is not declared`);
}

(async () => {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    process.stderr.write('usage: terraform-check.js TERRAFORM_DIR...\n');
    process.exit(2);
  }
  let passed = 0, failed = 0;
  for (const root of args) {
    for (const c of fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory())
      .map((e) => e.name).sort()) {
      const errors = [];
      await checkCluster(path.join(root, c), errors);
      if (errors.length) {
        failed++;
        console.log(`FAIL ${path.join(root, c)}`);
        for (const e of errors.slice(0, 20)) console.log(`  ${e}`);
      } else {
        passed++;
      }
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
