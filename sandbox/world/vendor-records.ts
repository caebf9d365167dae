/** Record shapes of the imitated systems, in the vendors' field names (SOURCE-APIS.md). */

export type SfAccount = {
  Id: string;
  Name: string;
  CurrencyIsoCode: string;
  BillingCountry: string;
  Industry: string;
  IsDeleted: boolean;
  CreatedDate: string;
  SystemModstamp: string;
};

export type SfOpportunity = {
  Id: string;
  AccountId: string;
  Name: string;
  StageName: string;
  IsWon: boolean;
  IsClosed: boolean;
  CloseDate: string;
  Amount: number;
  CurrencyIsoCode: string;
  IsDeleted: boolean;
  CreatedDate: string;
  SystemModstamp: string;
};

export type NsSubsidiary = {
  id: string;
  name: string;
  currency: string;
  country: string;
  lastmodifieddate: string;
};

export type NsCustomer = {
  id: string;
  entityid: string;
  companyname: string;
  externalid: string | null;
  subsidiary: string;
  currency: string;
  isinactive: "T" | "F";
  lastmodifieddate: string;
};

export type NsJob = {
  id: string;
  entityid: string;
  companyname: string;
  parent: string;
  customer: string;
  externalid: string | null;
  subsidiary: string;
  currency: string;
  entitystatus: string;
  jobbillingtype: "TM" | "FFM" | "CB";
  startdate: string;
  projectedenddate: string;
  projectedtotalvalue: number;
  lastmodifieddate: string;
};

export type NsEmployee = {
  id: string;
  entityid: string;
  email: string;
  externalid: string | null;
  subsidiary: string;
  laborcost: number;
  isinactive: "T" | "F";
  lastmodifieddate: string;
};

export type NsTimebill = {
  id: string;
  employee: string;
  customer: string;
  hours: number;
  isbillable: "T" | "F";
  rate: number;
  trandate: string;
  approvalstatus: string;
  externalid: string | null;
  custcol_kantata_time_entry: string | null;
  memo: string;
  lastmodifieddate: string;
};

export type NsTransaction = {
  id: string;
  type: "CustInvc";
  tranid: string;
  trandate: string;
  entity: string;
  status: string;
  foreigntotal: number;
  currency: string;
  postingperiod: string;
  externalid: string | null;
  memo: string;
  lastmodifieddate: string;
};

export type NsTransactionLine = {
  uniquekey: string;
  transaction: string;
  id: number;
  mainline: "T" | "F";
  netamount: number;
  foreignamount: number;
  item: string | null;
  entity: string;
  memo: string;
  linelastmodifieddate: string;
};

export type NsAccountingPeriod = {
  id: string;
  periodname: string;
  startdate: string;
  enddate: string;
  closed: "T" | "F";
  isyear: "F";
  isquarter: "F";
  lastmodifieddate: string;
};

export type KoWorkspaceGroup = {
  id: string;
  name: string;
  company: boolean;
  created_at: string;
  updated_at: string;
};

export type KoStatus = { color: string; key: number; message: string };

export type KoWorkspace = {
  id: string;
  title: string;
  currency: string;
  price_in_cents: number;
  budgeted: boolean;
  start_date: string;
  due_date: string;
  status: KoStatus;
  archived: boolean;
  workspace_group_ids: string[];
  created_at: string;
  updated_at: string;
};

export type KoUser = {
  id: string;
  full_name: string;
  email_address: string;
  headline: string;
  disabled: boolean;
  cost_rate_in_cents: number | null;
  cost_rate_currency: string;
  created_at: string;
  updated_at: string;
};

export type KoStory = {
  id: string;
  title: string;
  story_type: "task" | "milestone";
  state: "not_started" | "started" | "completed";
  workspace_id: string;
  due_date: string;
  budget_estimate_in_cents: number | null;
  billable: boolean;
  created_at: string;
  updated_at: string;
};

export type KoAssignment = {
  id: string;
  story_id: string;
  assignee_id: string;
  workspace_id: string;
  created_at: string;
  updated_at: string;
};

export type KoTimeEntry = {
  id: string;
  workspace_id: string;
  user_id: string;
  story_id: string;
  role_id: string;
  date_performed: string;
  time_in_minutes: number;
  billable: boolean;
  rate_in_cents: number;
  cost_rate_in_cents: number;
  currency: string;
  approved: boolean;
  is_invoiced: boolean;
  invoice_id: string | null;
  notes: string;
  created_at: string;
  updated_at: string;
};

export type KoExpense = {
  id: string;
  workspace_id: string;
  user_id: string;
  date: string;
  category: string;
  notes: string;
  amount_in_cents: number;
  currency: string;
  is_billable: boolean;
  /** Not an attribute of Kantata's expenses (only a list filter): see docs/extraction.md. */
  approved: boolean;
  is_invoiced: boolean;
  created_at: string;
  updated_at: string;
};

export type KoInvoice = {
  id: string;
  workspace_id: string;
  invoice_date: string;
  currency: string;
  status: string;
  amount_in_cents: number;
  created_at: string;
  updated_at: string;
};

export type KoExternalReference = {
  id: string;
  subject_type: "Workspace" | "User" | "WorkspaceGroup";
  subject_id: string;
  service_name: "Salesforce" | "NetSuite" | "Workday";
  service_model: string;
  service_model_ref: string;
  created_at: string;
  updated_at: string;
};

/** A set of Kantata custom fields; the set names the kind of record its fields belong to. */
export type KoCustomFieldSet = {
  id: string;
  name: string;
  subject_type: "Workspace" | "Story" | "User" | "WorkspaceGroup";
  created_at: string;
  updated_at: string;
};

/** A Kantata custom field (its values are `KoCustomFieldValue`s). */
export type KoCustomField = {
  id: string;
  name: string;
  value_type: "string" | "date" | "number" | "currency" | "single" | "multi";
  custom_field_set_id: string;
  created_at: string;
  updated_at: string;
};

/** One subject's value of a custom field, as Kantata serves it (`custom_field_values`). */
export type KoCustomFieldValue = {
  id: string;
  subject_type: string;
  subject_id: string;
  custom_field_id: string;
  /** A string, number or date as the field's type has it; choice ids for choice fields. */
  value: unknown;
  created_at: string;
  updated_at: string;
};

export type WdWorker = {
  Employee_ID: string;
  Worker: string;
  Email: string;
  Worker_Type: string;
  Hire_Date: string;
  Termination_Date: string;
  Active_Status: "1" | "0";
  Cost_Center: string;
  Location: string;
  Manager_ID: string;
  Legal_Entity: string;
  Job_Profile: string;
  Cost_Rate: string;
  Cost_Rate_Currency: string;
  Last_Updated: string;
};
