export {
  admin,
  applicant,
  countyConfig,
  countyIntake,
  otherTownship,
  registerInput,
  respondent,
  townshipIntake,
  viewer,
  villageStaff
} from "../src/Examples.js"
