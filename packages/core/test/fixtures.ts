export {
  admin,
  applicant,
  countyConfig,
  countyIntake,
  otherTownship,
  respondent,
  townshipIntake,
  viewer,
  villageStaff
} from "../src/Examples.js"
